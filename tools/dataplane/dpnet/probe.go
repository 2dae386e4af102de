package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Outcomes of one connection attempt.
const (
	Open    = "open"    // connected (TCP) or answered (UDP); port 53 also answered DNS correctly
	Refused = "refused" // the packet got through and the port is closed (RST / ICMP unreachable)
	Timeout = "timeout" // no answer: dropped on the way
)

// reached: the network let the probe through (open or refused).
func reached(outcome string) bool { return outcome == Open || outcome == Refused }

// Source ports are never reused within one run, so a probe can never ride on a conntrack entry
// left by an earlier probe (an ESTABLISHED entry bypasses the policy queue).
var nextPort atomic.Int64

func init() { nextPort.Store(20000) }

// ephemeralPorts: let the kernel pick (the one-off `dpnet probe` command).
var ephemeralPorts bool

func sourcePort() (int, error) {
	if ephemeralPorts {
		return 0, nil
	}
	p := nextPort.Add(1)
	if p > 60999 {
		return 0, errors.New("source ports 20001-60999 exhausted in this run (too many probes for one dpnet process)")
	}
	return int(p), nil
}

type probeSpec struct {
	Netns string `json:"netns"`
	Dst   string `json:"dst"`
	Port  int    `json:"port"`
	Proto string `json:"proto"`
}

func (p probeSpec) String() string {
	return fmt.Sprintf("%s -> %s:%d/%s", p.Netns, p.Dst, p.Port, p.Proto)
}

var dnsID atomic.Uint32

// probe makes one attempt from inside the source namespace, bounded by timeout.
func probe(p probeSpec, timeout time.Duration) string {
	sport, err := sourcePort()
	if err != nil {
		return "error: " + err.Error()
	}
	outcome := ""
	err = inNetns(p.Netns, func() error {
		outcome = attempt(p, sport, timeout)
		return nil
	})
	if err != nil {
		return "error: " + err.Error()
	}
	return outcome
}

func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.As(err, &ne) && ne.Timeout():
		return Timeout
	default:
		return "error: " + err.Error()
	}
}

func attempt(p probeSpec, sport int, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	addr := net.JoinHostPort(p.Dst, strconv.Itoa(p.Port))
	id := uint16(dnsID.Add(1))
	switch p.Proto {
	case "TCP":
		d := net.Dialer{Deadline: deadline, LocalAddr: &net.TCPAddr{Port: sport}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return classify(err)
		}
		defer c.Close()
		if p.Port != 53 {
			return Open
		}
		_ = c.SetDeadline(deadline)
		q := dnsQuery(id, "probe.dataplane.test")
		msg := binary.BigEndian.AppendUint16(nil, uint16(len(q)))
		if _, err := c.Write(append(msg, q...)); err != nil {
			return "error: dns write: " + err.Error()
		}
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return "error: dns over tcp connected but no answer: " + classify(err)
		}
		r := make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(c, r); err != nil {
			return "error: dns over tcp short answer: " + classify(err)
		}
		if err := dnsCheck(id, r); err != nil {
			return "error: " + err.Error()
		}
		return Open
	case "UDP":
		d := net.Dialer{Deadline: deadline, LocalAddr: &net.UDPAddr{Port: sport}}
		c, err := d.Dial("udp", addr)
		if err != nil {
			return classify(err)
		}
		defer c.Close()
		_ = c.SetDeadline(deadline)
		payload := []byte("cdk8s-egress dataplane probe")
		if p.Port == 53 {
			payload = dnsQuery(id, "probe.dataplane.test")
		}
		if _, err := c.Write(payload); err != nil {
			return classify(err)
		}
		buf := make([]byte, 1500)
		n, err := c.Read(buf)
		if err != nil {
			return classify(err)
		}
		if p.Port == 53 {
			if err := dnsCheck(id, buf[:n]); err != nil {
				return "error: " + err.Error()
			}
		} else if !bytes.Equal(buf[:n], payload) {
			return "error: udp echo mismatch"
		}
		return Open
	}
	return "error: unsupported protocol " + p.Proto
}

// probeAll runs every probe with at most `parallel` in flight; results keep the input order.
func probeAll(ps []probeSpec, timeout time.Duration, parallel int) []string {
	out := make([]string, len(ps))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range ps {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = probe(ps[i], timeout)
		}(i)
	}
	wg.Wait()
	return out
}
