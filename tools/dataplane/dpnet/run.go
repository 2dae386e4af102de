package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The plan of one batch (written by test/dataplane/plan.ts): the universe the apiserver and the
// namespaces hold, and the apps whose NetworkPolicies are applied one after the other.
type plan struct {
	Batch      string            `json:"batch"`
	Node       string            `json:"node"`
	Namespaces []planNamespace   `json:"namespaces"`
	Pods       []planPod         `json:"pods"`
	Controls   planControls      `json:"controls"`
	Apps       []planApp         `json:"apps"`
	Ports      []int             `json:"ports"`
	Extra      map[string]string `json:"extra,omitempty"`
}

type planNamespace struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
}

type planPod struct {
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels"`
	Netns     string            `json:"netns"`
	IPv4      string            `json:"ipv4"`
	IPv6      string            `json:"ipv6,omitempty"`
}

// Controls: a sentinel pod (the settling barrier toggles a deny-all egress policy on it), a control
// pod no policy selects, the kube-dns pod and its ClusterIP (DNAT in the node namespace).
type planControls struct {
	SentinelNamespace string `json:"sentinelNamespace"`
	SentinelNetns     string `json:"sentinelNetns"`
	ControlNetns      string `json:"controlNetns"`
	DNSPodIP          string `json:"dnsPodIp"`
	ClusterIP         string `json:"clusterIp"`
	ClosedPort        int    `json:"closedPort"`
}

type planApp struct {
	Name     string           `json:"name"`
	Negative string           `json:"negative,omitempty"` // "", "widened" or "narrowed"
	Policies []map[string]any `json:"policies"`
	Probes   []planProbe      `json:"probes"`
}

type planProbe struct {
	probeSpec
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Desc     string `json:"desc"`
	Expected bool   `json:"expected"`
}

type probeResult struct {
	ID       string `json:"id"`
	Outcome  string `json:"outcome"`
	Reached  bool   `json:"reached"`
	Expected bool   `json:"expected"`
	Retried  bool   `json:"retried,omitempty"`
}

type appResult struct {
	Name       string        `json:"name"`
	Negative   string        `json:"negative,omitempty"`
	Probes     []probeResult `json:"probes"`
	Controls   []string      `json:"controls"`
	SettleMs   int64         `json:"settleMs"`
	ProbeMs    int64         `json:"probeMs"`
	Disagree   int           `json:"disagreements"`
	Policies   int           `json:"policies"`
	Controller string        `json:"controller"`
}

type runner struct {
	k          *kube
	p          plan
	ctrlPid    int
	ctrlExe    string
	timeout    time.Duration
	parallel   int
	sentinelOn bool
	// positive controls that needed their retry (reported)
	controlRetries int
	// the controller's log, read to wait until its rule syncs are over (see quiet)
	ctrlLog    string
	ctrlLogOff int64
	quietMs    int64
}

// quiet waits (bounded, 5 s) until the controller has started no rule sync for 300 ms.
//
// Why: every NetworkPolicy or Pod event makes kube-network-policies rewrite its nftables table.
// Where the kernel has no nft queue that write fails and is retried 5 times (5-80 ms apart), and
// each attempt registers and then unregisters netfilter hooks in the node namespace; the kernel
// flushes every packet waiting in that namespace's nfqueues whenever a hook is unregistered
// (nf_queue_nf_hook_drop). A flow whose first packet is being decided at that moment loses it:
// TCP retransmits after 1 s, a UDP probe is lost. The controller log shows it as
// `"Could not receive message" error="netlink receive: no such file or directory"` (the verdict
// for a packet the kernel no longer holds). Probing only once the syncs are over keeps that
// transient loss out of the comparison; the barrier still flips on a real verdict.
func (r *runner) quiet() {
	if r.ctrlLog == "" {
		return
	}
	t0 := time.Now()
	last := time.Now()
	for time.Since(t0) < 5*time.Second {
		f, err := os.Open(r.ctrlLog)
		if err != nil {
			return
		}
		st, _ := f.Stat()
		if st != nil && st.Size() > r.ctrlLogOff {
			buf := make([]byte, st.Size()-r.ctrlLogOff)
			n, _ := f.ReadAt(buf, r.ctrlLogOff)
			r.ctrlLogOff += int64(n)
			if strings.Contains(string(buf[:n]), "Syncing nftables rules") {
				last = time.Now()
			}
		}
		f.Close()
		if time.Since(last) >= 300*time.Millisecond {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.quietMs += time.Since(t0).Milliseconds()
}

// queueStats: the kernel's counters for the node namespace's nfqueues (dpnet runs there):
// packets waiting, dropped because the queue was full, dropped because the reader's socket was.
func queueStats() string {
	b, err := os.ReadFile("/proc/net/netfilter/nfnetlink_queue")
	if err != nil {
		return "unavailable: " + err.Error()
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) >= 8 {
			out = append(out, fmt.Sprintf("queue %s: waiting %s, queue_dropped %s, user_dropped %s, packets %s", f[0], f[2], f[5], f[6], f[7]))
		}
	}
	if len(out) == 0 {
		return "no queue bound"
	}
	return strings.Join(out, "; ")
}

var errControllerGone = errors.New("controller not running")

// controllerAlive: the recorded PID is still the controller binary and not a zombie.
func (r *runner) controllerAlive() error {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", r.ctrlPid))
	if err != nil {
		return fmt.Errorf("%w: pid %d: %v", errControllerGone, r.ctrlPid, err)
	}
	if exe != r.ctrlExe {
		return fmt.Errorf("%w: pid %d is %s, not %s", errControllerGone, r.ctrlPid, exe, r.ctrlExe)
	}
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", r.ctrlPid))
	if err == nil {
		if f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:])); len(f) > 0 && (f[0] == "Z" || f[0] == "X") {
			return fmt.Errorf("%w: pid %d is a zombie", errControllerGone, r.ctrlPid)
		}
	}
	return nil
}

func (r *runner) sentinelPolicy() map[string]any {
	return map[string]any{
		"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": "dataplane-sentinel-deny", "namespace": r.p.Controls.SentinelNamespace},
		"spec":     map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Egress"}},
	}
}

// settle is the barrier: flip the sentinel's deny-all policy and poll (bounded) until the sentinel's
// DNS probe flips with it. The controller sees NetworkPolicy events in order, so once the flip is
// enforced every policy written before it is too.
func (r *runner) settle() (time.Duration, error) {
	t0 := time.Now()
	r.sentinelOn = !r.sentinelOn
	var err error
	if r.sentinelOn {
		err = r.k.createNetworkPolicy(r.sentinelPolicy())
	} else {
		err = r.k.deleteNetworkPolicy(r.p.Controls.SentinelNamespace, "dataplane-sentinel-deny")
	}
	if err != nil {
		return 0, fmt.Errorf("barrier: %w", err)
	}
	want := Open
	if r.sentinelOn {
		want = Timeout
	}
	spec := probeSpec{Netns: r.p.Controls.SentinelNetns, Dst: r.p.Controls.DNSPodIP, Port: 53, Proto: "TCP"}
	last := ""
	for i := 0; time.Since(t0) < 20*time.Second; i++ {
		last = probe(spec, 250*time.Millisecond)
		if last == want {
			return time.Since(t0), nil
		}
		if err := r.controllerAlive(); err != nil {
			return 0, err
		}
		time.Sleep(40 * time.Millisecond)
	}
	return 0, fmt.Errorf("barrier: the sentinel's probe did not flip to %q within 20 s (last %q): policies are not being enforced", want, last)
}

// controls: probes whose outcome no app policy can change; each must come out as expected or the
// scenario proves nothing.
func (r *runner) controls() ([]string, error) {
	c := r.p.Controls
	checks := []struct {
		spec probeSpec
		want string
		what string
	}{
		{probeSpec{c.ControlNetns, c.DNSPodIP, 53, "TCP"}, Open, "control pod -> kube-dns pod DNS/TCP answers"},
		{probeSpec{c.ControlNetns, c.ClusterIP, 53, "UDP"}, Open, "control pod -> kube-dns ClusterIP DNS/UDP answers (DNAT)"},
		{probeSpec{c.ControlNetns, c.DNSPodIP, c.ClosedPort, "TCP"}, Refused, "control pod -> kube-dns closed port is refused"},
	}
	var seen []string
	for _, ch := range checks {
		got := probe(ch.spec, time.Second)
		retry := ""
		if got == Timeout && ch.want != Timeout {
			// the same one more, longer try as a probe gets (the queue can lag on shared cores)
			got = probe(ch.spec, 3*time.Second)
			retry = " (after a retry)"
			r.controlRetries++
		}
		seen = append(seen, fmt.Sprintf("%s: %s%s", ch.what, got, retry))
		if got != ch.want {
			return seen, fmt.Errorf("positive control failed: %s: got %s, want %s%s; nfqueue: %s", ch.what, got, ch.want, retry, queueStats())
		}
	}
	return seen, nil
}

func (r *runner) setup() error {
	for _, ns := range r.p.Namespaces {
		if err := r.k.ensureNamespace(ns.Name, ns.Labels); err != nil {
			return err
		}
	}
	for _, p := range r.p.Pods {
		if err := r.k.createPod(p, r.p.Node); err != nil {
			return err
		}
	}
	// Start from "sentinel open": the first flip then proves forwarding works and the second that
	// policies are enforced.
	r.quiet()
	if _, err := r.settle(); err != nil { // on
		return fmt.Errorf("startup: %w", err)
	}
	if _, err := r.settle(); err != nil { // off
		return fmt.Errorf("startup: %w", err)
	}
	return nil
}

func (r *runner) runApp(a planApp) (appResult, error) {
	res := appResult{Name: a.Name, Negative: a.Negative, Policies: len(a.Policies)}
	if err := r.controllerAlive(); err != nil {
		return res, err
	}
	for _, ns := range r.p.Namespaces {
		if ns.Name == r.p.Controls.SentinelNamespace {
			continue
		}
		if err := r.k.deleteAllNetworkPolicies(ns.Name); err != nil {
			return res, err
		}
	}
	for _, pol := range a.Policies {
		if err := r.k.createNetworkPolicy(pol); err != nil {
			return res, fmt.Errorf("%s: %w", a.Name, err)
		}
	}
	want := len(a.Policies)
	if r.sentinelOn {
		want++
	}
	if n, err := r.k.countNetworkPolicies(); err != nil || n != want {
		return res, fmt.Errorf("%s: apiserver holds %d NetworkPolicies, expected %d (%v)", a.Name, n, want, err)
	}
	r.quiet()
	d, err := r.settle()
	if err != nil {
		return res, fmt.Errorf("%s: %w", a.Name, err)
	}
	res.SettleMs = d.Milliseconds()
	r.quiet()
	if res.Controls, err = r.controls(); err != nil {
		return res, fmt.Errorf("%s: %w", a.Name, err)
	}
	t0 := time.Now()
	specs := make([]probeSpec, len(a.Probes))
	for i, p := range a.Probes {
		specs[i] = p.probeSpec
	}
	outcomes := probeAll(specs, r.timeout, r.parallel)
	retried := make([]bool, len(a.Probes))
	// A probe the model allows that timed out gets one more, longer try: on two shared cores the
	// controller's queue can lag. A probe that was let through is never retried.
	var again []probeSpec
	var idx []int
	for i, p := range a.Probes {
		if p.Expected && outcomes[i] == Timeout {
			again = append(again, p.probeSpec)
			idx = append(idx, i)
		}
	}
	for j, o := range probeAll(again, 3*time.Second, r.parallel) {
		outcomes[idx[j]] = o
		retried[idx[j]] = true
	}
	res.ProbeMs = time.Since(t0).Milliseconds()
	for i, p := range a.Probes {
		o := outcomes[i]
		if strings.HasPrefix(o, "error") {
			return res, fmt.Errorf("%s: probe %s (%s) failed to run: %s", a.Name, p.ID, p.Desc, o)
		}
		pr := probeResult{ID: p.ID, Outcome: o, Reached: reached(o), Expected: p.Expected, Retried: retried[i]}
		if pr.Reached != pr.Expected {
			res.Disagree++
		}
		res.Probes = append(res.Probes, pr)
	}
	if err := r.controllerAlive(); err != nil {
		return res, err
	}
	res.Controller = "alive"
	return res, nil
}

// failClosed: kill the controller and check that nothing gets through any more (the queue has no
// reader) and that the PID check notices. Run last.
func (r *runner) failClosed() (string, error) {
	if err := syscall.Kill(r.ctrlPid, syscall.SIGKILL); err != nil {
		return "", fmt.Errorf("fail-closed check: kill %d: %w", r.ctrlPid, err)
	}
	for i := 0; i < 100 && r.controllerAlive() == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if r.controllerAlive() == nil {
		return "", errors.New("fail-closed check: controller still alive 5 s after SIGKILL")
	}
	c := r.p.Controls
	got := probe(probeSpec{c.ControlNetns, c.DNSPodIP, 53, "TCP"}, time.Second)
	if got != Timeout {
		return "", fmt.Errorf("fail-closed check: with the controller dead, control pod -> kube-dns DNS/TCP came out %q, want timeout (traffic must not bypass policy)", got)
	}
	return "controller SIGKILLed: PID check reports it gone, control probe times out (fails closed)", nil
}

func runPlan(planFile, api, tokenFile string, ctrlPid int, ctrlExe, ctrlLog, out string, timeout time.Duration, parallel int, failClosedCheck bool) error {
	raw, err := os.ReadFile(planFile)
	if err != nil {
		return err
	}
	var p plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%s: %w", planFile, err)
	}
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		return err
	}
	r := &runner{k: newKube(api, strings.TrimSpace(string(tok))), p: p, ctrlPid: ctrlPid, ctrlExe: ctrlExe, ctrlLog: ctrlLog, timeout: timeout, parallel: parallel}
	if err := r.controllerAlive(); err != nil {
		return err
	}
	t0 := time.Now()
	if err := r.setup(); err != nil {
		return err
	}
	fmt.Printf("[dpnet %s] %d namespaces, %d pods in the apiserver; barrier and enforcement proven in %.1f s\n", p.Batch, len(p.Namespaces), len(p.Pods), time.Since(t0).Seconds())
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, a := range p.Apps {
		ta := time.Now()
		res, err := r.runApp(a)
		if err != nil {
			return err
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
		tag := ""
		if a.Negative != "" {
			tag = " [negative control: " + a.Negative + "]"
		}
		fmt.Printf("[dpnet %s] %s%s: %d policies, %d probes, %d disagreements (settle %d ms, probes %d ms, total %.1f s)\n",
			p.Batch, a.Name, tag, res.Policies, len(res.Probes), res.Disagree, res.SettleMs, res.ProbeMs, time.Since(ta).Seconds())
	}
	fmt.Printf("[dpnet %s] positive controls retried: %d; waited %.1f s in all for the controller's rule syncs to end; nfqueue: %s\n",
		p.Batch, r.controlRetries, float64(r.quietMs)/1000, queueStats())
	if failClosedCheck {
		msg, err := r.failClosed()
		if err != nil {
			return err
		}
		fmt.Printf("[dpnet %s] %s\n", p.Batch, msg)
		if err := enc.Encode(map[string]string{"failClosed": msg}); err != nil {
			return err
		}
	}
	return nil
}
