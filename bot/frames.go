package bot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math/rand/v2"
	"time"
)

// frameWatch reads a gateway connection's bytes for discordgo: the HTTP
// answer to the upgrade request, passed on as it is, then frame by frame.
// It calls onFrame with every small text or close frame from the
// server before handing it on; onFrame may block, which holds the frame
// back. Other frames (dispatches can be megabytes) are passed on as they
// arrive, uninspected. Frames from a server are never masked (RFC 6455,
// 5.1); kutip asks for no compression, so text frames are plain JSON.
type frameWatch struct {
	r       io.Reader
	onFrame func(opcode byte, payload []byte)

	in   []byte // read, not yet handed on: a partial header or a small frame
	out  []byte // ready to hand on
	skip int64  // bytes of the current large frame still to pass on
	err  error  // the reader's error, returned once in and out are empty
	// framing: the HTTP upgrade answer has been passed on.
	framing bool
}

// WebSocket opcodes, and the largest frame inspected.
const (
	wsText       = 0x1
	wsClose      = 0x8
	maxInspected = 512
)

// opInvalidSession is the gateway's INVALID_SESSION opcode.
const opInvalidSession = 9

func (w *frameWatch) Read(p []byte) (int, error) {
	for {
		if len(w.out) > 0 {
			n := copy(p, w.out)
			w.out = w.out[n:]
			return n, nil
		}
		if w.skip > 0 {
			if len(w.in) > 0 {
				k := int(min(int64(len(w.in)), w.skip))
				w.out, w.in, w.skip = w.in[:k:k], w.in[k:], w.skip-int64(k)
				continue
			}
			if w.err != nil {
				return 0, w.err
			}
			n, err := w.r.Read(p[:min(int64(len(p)), w.skip)])
			w.skip -= int64(n)
			if err != nil {
				w.err = err
				if n == 0 {
					return 0, err
				}
			}
			return n, nil
		}
		if !w.framing {
			if i := bytes.Index(w.in, []byte("\r\n\r\n")); i >= 0 {
				w.out, w.in, w.framing = w.in[:i+4:i+4], w.in[i+4:], true
				continue
			}
		}
		hlen, plen, opcode, masked, ok := frameHeader(w.in)
		switch {
		case !w.framing || !ok:
			// A header needs more bytes.
		case !masked && plen <= maxInspected && (opcode == wsText || opcode == wsClose):
			if len(w.in) < hlen+int(plen) {
				break // the rest of the small frame
			}
			n := hlen + int(plen)
			frame := w.in[:n:n]
			w.in = w.in[n:]
			w.onFrame(opcode, frame[hlen:])
			w.out = frame
			continue
		default:
			w.out, w.in, w.skip = w.in[:hlen:hlen], w.in[hlen:], plen
			continue
		}
		if w.err != nil {
			if len(w.in) > 0 { // a truncated frame: hand on what there is
				w.out, w.in = w.in, nil
				continue
			}
			return 0, w.err
		}
		buf := make([]byte, max(4096, len(p)))
		n, err := w.r.Read(buf)
		w.in = append(w.in, buf[:n]...)
		if err != nil {
			w.err = err
		}
	}
}

// frameHeader parses a WebSocket frame header at the start of b: its
// length, the payload's length, the opcode and whether it is masked; ok is
// false while b is too short to hold the header.
func frameHeader(b []byte) (hlen int, plen int64, opcode byte, masked, ok bool) {
	if len(b) < 2 {
		return 0, 0, 0, false, false
	}
	opcode, masked = b[0]&0x0f, b[1]&0x80 != 0
	hlen, plen = 2, int64(b[1]&0x7f)
	switch plen {
	case 126:
		hlen = 4
	case 127:
		hlen = 10
	}
	if masked {
		hlen += 4
	}
	if len(b) < hlen {
		return 0, 0, 0, false, false
	}
	switch plen {
	case 126:
		plen = int64(binary.BigEndian.Uint16(b[2:4]))
	case 127:
		plen = int64(binary.BigEndian.Uint64(b[2:10]) & (1<<63 - 1))
	}
	return hlen, plen, opcode, masked, true
}

// gatewayOp returns the op of a gateway payload, or -1.
func gatewayOp(payload []byte) int {
	if !bytes.Contains(payload, []byte(`"op"`)) {
		return -1
	}
	var p struct {
		Op *int `json:"op"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Op == nil {
		return -1
	}
	return *p.Op
}

// invalidSessionWait is how long to hold back op 9 INVALID_SESSION: a
// random time between 1 and 5 seconds, as Discord documents.
func invalidSessionWait() time.Duration {
	return time.Second + rand.N(4*time.Second)
}
