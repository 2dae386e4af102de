package main

import (
	"encoding/binary"
	"errors"
)

// A minimal DNS message codec: enough to ask one A question and to answer it.

// dnsAnswerAddr is what every responder answers (TEST-NET-1, never a probe target).
var dnsAnswerAddr = []byte{192, 0, 2, 53}

func dnsQuery(id uint16, name string) []byte {
	b := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(b[0:], id)
	binary.BigEndian.PutUint16(b[2:], 0x0100) // RD
	binary.BigEndian.PutUint16(b[4:], 1)      // QDCOUNT
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if i > start {
				b = append(b, byte(i-start))
				b = append(b, name[start:i]...)
			}
			start = i + 1
		}
	}
	b = append(b, 0, 0, 1, 0, 1) // root, QTYPE A, QCLASS IN
	return b
}

// dnsAnswer builds the response to a query, or an error for a malformed one.
func dnsAnswer(q []byte) ([]byte, error) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil, errors.New("not a one-question query")
	}
	i := 12
	for i < len(q) && q[i] != 0 {
		i += int(q[i]) + 1
	}
	i += 5 // root label + QTYPE + QCLASS
	if i > len(q) {
		return nil, errors.New("truncated question")
	}
	r := make([]byte, 0, i+16)
	r = append(r, q[:i]...)
	binary.BigEndian.PutUint16(r[2:], 0x8180) // QR, RD, RA, NOERROR
	binary.BigEndian.PutUint16(r[6:], 1)      // ANCOUNT
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4)
	r = append(r, dnsAnswerAddr...)
	return r, nil
}

// dnsCheck verifies a response to query id: right id, QR set, NOERROR, one answer.
func dnsCheck(id uint16, r []byte) error {
	if len(r) < 12 {
		return errors.New("short DNS response")
	}
	if binary.BigEndian.Uint16(r[0:]) != id {
		return errors.New("DNS response id mismatch")
	}
	flags := binary.BigEndian.Uint16(r[2:])
	if flags&0x8000 == 0 || flags&0x000f != 0 {
		return errors.New("DNS response without QR or with an error code")
	}
	if binary.BigEndian.Uint16(r[6:]) != 1 {
		return errors.New("DNS response without exactly one answer")
	}
	return nil
}
