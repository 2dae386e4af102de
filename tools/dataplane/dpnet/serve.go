package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// serveConfig: the namespaces to serve in and the ports to open in each (TCP and UDP).
type serveConfig struct {
	Netns []string `json:"netns"`
	Ports []int    `json:"ports"`
}

// serve opens, in every listed network namespace, a TCP listener and a UDP socket on every port
// (wildcard address, IPv4 and IPv6). Port 53 answers DNS (UDP, and TCP with the length prefix);
// other TCP ports accept and close, other UDP ports echo. Writes readyFile when every socket is
// bound, then runs until SIGTERM or SIGINT.
func serve(configFile, readyFile string) error {
	raw, err := os.ReadFile(configFile)
	if err != nil {
		return err
	}
	var cfg serveConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("%s: %w", configFile, err)
	}
	if len(cfg.Netns) == 0 || len(cfg.Ports) == 0 {
		return fmt.Errorf("%s: no namespaces or no ports", configFile)
	}
	sockets := 0
	for _, ns := range cfg.Netns {
		var lns []net.Listener
		var pcs []net.PacketConn
		err := inNetns(ns, func() error {
			for _, p := range cfg.Ports {
				ln, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
				if err != nil {
					return fmt.Errorf("tcp :%d: %w", p, err)
				}
				lns = append(lns, ln)
				pc, err := net.ListenPacket("udp", fmt.Sprintf(":%d", p))
				if err != nil {
					return fmt.Errorf("udp :%d: %w", p, err)
				}
				pcs = append(pcs, pc)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("serve in %s: %w", ns, err)
		}
		for i, ln := range lns {
			go acceptLoop(ln, cfg.Ports[i] == 53)
			go udpLoop(pcs[i], cfg.Ports[i] == 53)
			sockets += 2
		}
	}
	if err := os.WriteFile(readyFile, []byte(fmt.Sprintf("%d sockets in %d namespaces\n", sockets, len(cfg.Netns))), 0o644); err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

func acceptLoop(ln net.Listener, dns bool) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if !dns {
			c.Close()
			continue
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(3 * time.Second))
			var l [2]byte
			if _, err := io.ReadFull(c, l[:]); err != nil {
				return
			}
			q := make([]byte, binary.BigEndian.Uint16(l[:]))
			if _, err := io.ReadFull(c, q); err != nil {
				return
			}
			r, err := dnsAnswer(q)
			if err != nil {
				return
			}
			binary.BigEndian.PutUint16(l[:], uint16(len(r)))
			_, _ = c.Write(append(l[:], r...))
		}()
	}
}

func udpLoop(pc net.PacketConn, dns bool) {
	buf := make([]byte, 1500)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		out := buf[:n]
		if dns {
			r, err := dnsAnswer(out)
			if err != nil {
				continue
			}
			out = r
		}
		_, _ = pc.WriteTo(out, addr)
	}
}
