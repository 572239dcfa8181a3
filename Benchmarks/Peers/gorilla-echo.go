// gorilla/websocket echo server with permessage-deflate on (scripts/bench.sh builds it with
// Debian's golang-go and golang-github-gorilla-websocket-dev, GOPATH mode, no network).
// gorilla supports permessage-deflate without context takeover only: it answers an offer with
// server_no_context_takeover; client_no_context_takeover.
//   gorilla-echo [-port N]   prints "gorilla-echo: listening on ws://127.0.0.1:PORT/"
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{
	EnableCompression: true,
	CheckOrigin:       func(r *http.Request) bool { return true },
}

func echo(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	c.EnableWriteCompression(true)
	c.SetReadLimit(16 << 20)
	for {
		kind, message, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(kind, message); err != nil {
			return
		}
	}
}

func main() {
	port := flag.Int("port", 0, "port (0: any free one)")
	flag.Parse()
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("gorilla-echo: listening on ws://127.0.0.1:%d/\n", listener.Addr().(*net.TCPAddr).Port)
	http.Serve(listener, http.HandlerFunc(echo))
}
