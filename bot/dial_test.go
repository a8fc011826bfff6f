package bot

import (
	"errors"
	"net"
	"testing"
)

func TestGatewayConnsCloseAll(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	var g gatewayConns
	d := g.dialer(nil)
	c, err := d.NetDialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1)) // blocks, as Open does waiting for HELLO
		done <- err
	}()
	g.closeAll()
	if err := <-done; err == nil {
		t.Error("read on a closed connection succeeded")
	}
	if _, err := d.NetDialContext(t.Context(), "tcp", ln.Addr().String()); !errors.Is(err, errStopped) {
		t.Errorf("dial after closeAll: err = %v, want errStopped", err)
	}
}
