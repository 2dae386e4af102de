package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// A minimal client for the run's own kube-apiserver (loopback of the node namespace, self-signed
// certificate, bearer token).
type kube struct {
	base  string
	token string
	http  *http.Client
}

func newKube(base, token string) *kube {
	return &kube{base: base, token: token, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, // the run's own apiserver on loopback
	}}
}

func (k *kube) do(method, path, contentType string, body any, okCodes ...int) ([]byte, int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, k.base+path, rd)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+k.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	for _, c := range okCodes {
		if resp.StatusCode == c {
			return out, resp.StatusCode, nil
		}
	}
	return out, resp.StatusCode, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, truncate(string(out), 400))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func (k *kube) ensureNamespace(name string, labels map[string]string) error {
	obj := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name, "labels": labels}}
	_, code, err := k.do("POST", "/api/v1/namespaces", "application/json", obj, 201, 409)
	if err != nil || code == 201 {
		return err
	}
	_, _, err = k.do("PATCH", "/api/v1/namespaces/"+name, "application/merge-patch+json", map[string]any{"metadata": map[string]any{"labels": labels}}, 200)
	return err
}

func (k *kube) createPod(p planPod, node string) error {
	obj := map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": p.Name, "namespace": p.Namespace, "labels": p.Labels},
		"spec": map[string]any{
			"nodeName":   node,
			"containers": []any{map[string]any{"name": "c", "image": "dataplane.invalid/none"}},
		},
	}
	if _, _, err := k.do("POST", "/api/v1/namespaces/"+p.Namespace+"/pods", "application/json", obj, 201); err != nil {
		return err
	}
	ips := []any{map[string]any{"ip": p.IPv4}}
	if p.IPv6 != "" {
		ips = append(ips, map[string]any{"ip": p.IPv6})
	}
	status := map[string]any{"status": map[string]any{"phase": "Running", "podIP": p.IPv4, "podIPs": ips}}
	_, _, err := k.do("PATCH", "/api/v1/namespaces/"+p.Namespace+"/pods/"+p.Name+"/status", "application/merge-patch+json", status, 200)
	return err
}

func (k *kube) deleteAllNetworkPolicies(ns string) error {
	_, _, err := k.do("DELETE", "/apis/networking.k8s.io/v1/namespaces/"+ns+"/networkpolicies", "", nil, 200)
	return err
}

func (k *kube) createNetworkPolicy(obj map[string]any) error {
	md, _ := obj["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	if ns == "" {
		return fmt.Errorf("NetworkPolicy %v without a namespace", md["name"])
	}
	_, _, err := k.do("POST", "/apis/networking.k8s.io/v1/namespaces/"+ns+"/networkpolicies", "application/json", obj, 201)
	return err
}

func (k *kube) deleteNetworkPolicy(ns, name string) error {
	_, _, err := k.do("DELETE", "/apis/networking.k8s.io/v1/namespaces/"+ns+"/networkpolicies/"+url.PathEscape(name), "", nil, 200)
	return err
}

func (k *kube) countNetworkPolicies() (int, error) {
	b, _, err := k.do("GET", "/apis/networking.k8s.io/v1/networkpolicies", "", nil, 200)
	if err != nil {
		return 0, err
	}
	var l struct {
		Items []any `json:"items"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return 0, err
	}
	return len(l.Items), nil
}
