// A Go crypto/tls peer for the ut-tls interop tests (test/peers/go.test.ts): TLS 1.0 only, on
// 127.0.0.1, standard library only. One JSON line per connection on stdout says what was negotiated.
//
//	peer server --cert F --key F [--suites A,B] [--alpn h2,http/1.1] [--no-tickets]
//	    prints {"listening":PORT}, then per connection {"version",...}; echoes until EOF
//	peer client --port P --ca F [--suites A,B] [--alpn ...] [--connections N] [--message TEXT]
//	    N connections sharing one session cache; each writes TEXT and reads it back
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

type report struct {
	Role    string `json:"role"`
	Version string `json:"version"`
	Suite   string `json:"suite"`
	Resumed bool   `json:"resumed"`
	ALPN    string `json:"alpn"`
	Echo    string `json:"echo,omitempty"`
	Error   string `json:"error,omitempty"`
}

var versions = map[uint16]string{tls.VersionTLS10: "TLSv1", tls.VersionTLS11: "TLSv1.1", tls.VersionTLS12: "TLSv1.2", tls.VersionTLS13: "TLSv1.3"}

func emit(v any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}

func suites(list string) []uint16 {
	if list == "" {
		return nil
	}
	byName := map[string]uint16{}
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[s.Name] = s.ID
	}
	var ids []uint16
	for _, name := range strings.Split(list, ",") {
		id, ok := byName[name]
		if !ok {
			fail("unknown suite %s", name)
		}
		ids = append(ids, id)
	}
	return ids
}

func protocols(list string) []string {
	if list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

func describe(role string, st tls.ConnectionState) report {
	return report{Role: role, Version: versions[st.Version], Suite: tls.CipherSuiteName(st.CipherSuite), Resumed: st.DidResume, ALPN: st.NegotiatedProtocol}
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: peer server|client [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	cert := fs.String("cert", "", "server certificate chain (PEM)")
	key := fs.String("key", "", "server private key (PEM)")
	ca := fs.String("ca", "", "client: trusted root (PEM)")
	port := fs.Int("port", 0, "client: server port on 127.0.0.1")
	suiteList := fs.String("suites", "", "cipher suites, comma-separated (Go names)")
	alpn := fs.String("alpn", "", "ALPN protocols, comma-separated")
	noTickets := fs.Bool("no-tickets", false, "server: SessionTicketsDisabled")
	connections := fs.Int("connections", 1, "client: connections, one session cache")
	message := fs.String("message", "ping\n", "client: bytes to send and expect back")
	fs.Parse(os.Args[2:])
	config := &tls.Config{
		MinVersion:   tls.VersionTLS10,
		MaxVersion:   tls.VersionTLS10,
		CipherSuites: suites(*suiteList),
		NextProtos:   protocols(*alpn),
	}
	switch os.Args[1] {
	case "server":
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			fail("key pair: %v", err)
		}
		config.Certificates = []tls.Certificate{pair}
		config.SessionTicketsDisabled = *noTickets
		serve(config)
	case "client":
		pem, err := os.ReadFile(*ca)
		if err != nil {
			fail("ca: %v", err)
		}
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM([]byte(pem)) {
			fail("no certificate in %s", *ca)
		}
		config.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		for i := 0; i < *connections; i++ {
			emit(dial(config, *port, *message))
		}
	default:
		fail("unknown mode %s", os.Args[1])
	}
}

func serve(config *tls.Config) {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", config)
	if err != nil {
		fail("listen: %v", err)
	}
	emit(map[string]int{"listening": ln.Addr().(*net.TCPAddr).Port})
	for {
		conn, err := ln.Accept()
		if err != nil {
			fail("accept: %v", err)
		}
		// One connection at a time: the reports come out in connection order.
		c := conn.(*tls.Conn)
		c.SetDeadline(time.Now().Add(20 * time.Second))
		if err := c.Handshake(); err != nil {
			emit(report{Role: "server", Error: err.Error()})
		} else {
			emit(describe("server", c.ConnectionState()))
			io.Copy(c, c)
		}
		c.Close()
	}
}

func dial(config *tls.Config, port int, message string) report {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(dialer, "tcp", fmt.Sprintf("127.0.0.1:%d", port), config)
	if err != nil {
		return report{Role: "client", Error: err.Error()}
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := describe("client", c.ConnectionState())
	if _, err := io.WriteString(c, message); err != nil {
		r.Error = err.Error()
		return r
	}
	buf := make([]byte, len(message))
	if _, err := io.ReadFull(c, buf); err != nil {
		r.Error = err.Error()
	}
	r.Echo = string(buf)
	return r
}
