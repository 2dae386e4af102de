// dpnet: the dataplane tier's network helper (tools/dataplane/README.md).
//
//	dpnet serve <config.json> <ready-file>   listeners in many network namespaces
//	dpnet probe <netns> <dst> <port> <TCP|UDP> [timeout]   one probe, prints the outcome
//	dpnet run -plan F -api URL -token F -controller-pid N -controller-exe P -out F [...]
//
// It only sends traffic from network namespaces the tier created, to addresses the tier assigned.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dpnet serve|probe|run ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		if len(os.Args) != 4 {
			err = fmt.Errorf("usage: dpnet serve <config.json> <ready-file>")
			break
		}
		err = serve(os.Args[2], os.Args[3])
	case "probe":
		if len(os.Args) < 6 {
			err = fmt.Errorf("usage: dpnet probe <netns> <dst> <port> <TCP|UDP> [timeout]")
			break
		}
		port, perr := strconv.Atoi(os.Args[4])
		if perr != nil {
			err = perr
			break
		}
		timeout := time.Second
		if len(os.Args) > 6 {
			if timeout, err = time.ParseDuration(os.Args[6]); err != nil {
				break
			}
		}
		ephemeralPorts = true
		fmt.Println(probe(probeSpec{Netns: os.Args[2], Dst: os.Args[3], Port: port, Proto: os.Args[5]}, timeout))
	case "run":
		fs := flag.NewFlagSet("run", flag.ExitOnError)
		planFile := fs.String("plan", "", "batch plan (JSON)")
		api := fs.String("api", "", "apiserver URL")
		token := fs.String("token", "", "file with the bearer token")
		pid := fs.Int("controller-pid", 0, "PID of kube-network-policies")
		exe := fs.String("controller-exe", "", "its binary (checked through /proc/PID/exe)")
		ctrlLog := fs.String("controller-log", "", "its log: probes wait until its rule syncs are over")
		out := fs.String("out", "", "results (JSON lines)")
		timeout := fs.Duration("timeout", time.Second, "probe timeout (blocked = timeout)")
		parallel := fs.Int("parallel", 48, "probes in flight")
		failClosed := fs.Bool("fail-closed-check", false, "after the last app, SIGKILL the controller and check traffic stops")
		_ = fs.Parse(os.Args[2:])
		if *planFile == "" || *api == "" || *token == "" || *pid == 0 || *exe == "" || *out == "" {
			err = fmt.Errorf("run: -plan, -api, -token, -controller-pid, -controller-exe and -out are required")
			break
		}
		err = runPlan(*planFile, *api, *token, *pid, *exe, *ctrlLog, *out, *timeout, *parallel, *failClosed)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpnet:", err)
		os.Exit(1)
	}
}
