package main

import (
	"encoding/binary"
	"testing"
)

func TestDNSRoundTrip(t *testing.T) {
	q := dnsQuery(0x4242, "probe.dataplane.test")
	r, err := dnsAnswer(q)
	if err != nil {
		t.Fatal(err)
	}
	if err := dnsCheck(0x4242, r); err != nil {
		t.Fatal(err)
	}
	if got := r[len(r)-4:]; string(got) != string(dnsAnswerAddr) {
		t.Fatalf("answer address %v, want %v", got, dnsAnswerAddr)
	}
}

func TestDNSCheckRejects(t *testing.T) {
	q := dnsQuery(7, "a.test")
	r, _ := dnsAnswer(q)
	if dnsCheck(8, r) == nil {
		t.Error("a response to another query id was accepted")
	}
	if dnsCheck(7, q) == nil {
		t.Error("the query itself (QR unset, no answer) was accepted as a response")
	}
	bad := append([]byte(nil), r...)
	binary.BigEndian.PutUint16(bad[2:], 0x8183) // NXDOMAIN
	if dnsCheck(7, bad) == nil {
		t.Error("an error response was accepted")
	}
	if dnsCheck(7, r[:5]) == nil {
		t.Error("a truncated response was accepted")
	}
	if _, err := dnsAnswer([]byte{1, 2, 3}); err == nil {
		t.Error("a malformed query was answered")
	}
}

func TestReached(t *testing.T) {
	for o, want := range map[string]bool{Open: true, Refused: true, Timeout: false, "error: x": false} {
		if reached(o) != want {
			t.Errorf("reached(%q) = %v", o, !want)
		}
	}
}
