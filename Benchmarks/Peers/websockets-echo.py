"""Python websockets echo server with permessage-deflate on (its default), one process, asyncio.

python3 websockets-echo.py [--port N]   prints "websockets-echo: listening on ws://127.0.0.1:PORT/"
It accepts what the client offers: context takeover or not, as negotiated (RFC 7692).
"""
import argparse
import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main(port):
    async with serve(echo, "127.0.0.1", port, compression="deflate", max_size=16 << 20, ping_interval=None) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"websockets-echo: listening on ws://127.0.0.1:{bound}/", flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    try:
        asyncio.run(main(parser.parse_args().port))
    except KeyboardInterrupt:
        sys.exit(0)
