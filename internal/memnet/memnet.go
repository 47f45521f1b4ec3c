// Package memnet is an in-memory network for tests: HTTP servers that a
// client reaches over net.Pipe, never a socket.
//
// It exists for testing/synctest. In a synctest bubble time moves only when
// every goroutine is durably blocked, and a goroutine waiting on a socket
// (an httptest server over loopback) is not, so a test of a timeout, a
// retry or a drain over loopback either takes its real time or never
// finishes. Over memnet the fake server, the code under test and the test
// wait on channels of the bubble: a 5 s model answers at once, a Retry-After
// of 1 s takes none, and a timeout fires exactly when it should.
//
// A Network and its servers must be created inside the bubble that uses
// them and closed before it ends (Close on each server, then Network.Close).
package memnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
)

// Network is a set of in-memory HTTP servers and the transport that
// reaches them. The zero value is not usable; call New.
type Network struct {
	mu        sync.Mutex
	listeners map[string]*listener
	transport *http.Transport
}

// New returns an empty network.
func New() *Network {
	n := &Network{listeners: map[string]*listener{}}
	n.transport = &http.Transport{
		DialContext:         n.dial,
		MaxIdleConnsPerHost: 64,
		DisableCompression:  true,
	}
	return n
}

// Server starts an HTTP server for h and returns it. Its URL
// (http://sN.memnet.test) is reachable only through this network's
// Transport or Client; Close it as any httptest.Server.
func (n *Network) Server(h http.Handler) *httptest.Server {
	n.mu.Lock()
	addr := fmt.Sprintf("s%d.memnet.test:80", servers.Add(1))
	l := &listener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
	n.listeners[addr] = l
	n.mu.Unlock()
	all.Store(addr, l)
	s := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	s.Start()
	// Start names the server by its listener's address; keep the URL
	// without the default port, as a client writes it.
	s.URL = "http://" + strings.TrimSuffix(addr, ":80")
	return s
}

// Transport returns the transport that dials this network's servers.
// Hosts outside memnet.test are dialled as usual, so that a test outside
// a bubble may mix in-memory servers with loopback ones (a real listener,
// a process); inside a bubble only memnet hosts work.
func (n *Network) Transport() *http.Transport { return n.transport }

// Client returns a client that uses Transport.
func (n *Network) Client() *http.Client { return &http.Client{Transport: n.transport} }

// Close closes the idle connections of the transport, so that no goroutine
// of the network outlives the test. Close the servers first.
func (n *Network) Close() { n.transport.CloseIdleConnections() }

var (
	// servers numbers the servers of all networks, so that an address
	// names one server in the process.
	servers atomic.Int64
	// all holds every network's listeners, for Client.
	all sync.Map // address → *listener
	// shared is Client's transport.
	shared = &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dial(ctx, network, addr, func(addr string) *listener {
			l, _ := all.Load(addr)
			l2, _ := l.(*listener)
			return l2
		})
	}}
)

// Client returns a client that reaches the servers of every network (and
// real hosts), for helpers that do not know which network a URL is on.
// Its connections are shared by all tests, so never use it inside a
// synctest bubble: there use the network's own Client.
func Client() *http.Client { return &http.Client{Transport: shared} }

// ErrUnknownHost is returned for a dial to an address no server listens on.
var ErrUnknownHost = errors.New("memnet: no server at this address")

func (n *Network) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return dial(ctx, network, addr, func(addr string) *listener {
		n.mu.Lock()
		defer n.mu.Unlock()
		return n.listeners[addr]
	})
}

// dial connects to the memnet server at addr, found by lookup, or dials
// a host outside memnet.test as usual.
func dial(ctx context.Context, network, addr string, lookup func(string) *listener) (net.Conn, error) {
	if host, _, _ := net.SplitHostPort(addr); !strings.HasSuffix(host, ".memnet.test") {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	l := lookup(addr)
	if l == nil {
		return nil, &net.OpError{Op: "dial", Net: "memnet", Err: ErrUnknownHost}
	}
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		client.Close()
		server.Close()
		return nil, &net.OpError{Op: "dial", Net: "memnet", Err: errors.New("connection refused")}
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, ctx.Err()
	}
}

// listener hands the server ends of dialled pipes to an http.Server.
type listener struct {
	addr  string
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() {
		close(l.done)
		all.Delete(l.addr)
	})
	return nil
}

func (l *listener) Addr() net.Addr { return addr(l.addr) }

type addr string

func (a addr) Network() string { return "memnet" }
func (a addr) String() string  { return string(a) }
