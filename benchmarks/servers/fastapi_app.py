"""FastAPI under uvicorn, written the way the seed tutorials write it: one async endpoint per route
with a receive/send loop, and a ConnectionManager that broadcasts in a loop. Prints LISTENING <port>.
Run with the Debian python (/usr/bin/python3) and python3-fastapi, python3-uvicorn, python3-websockets."""
import asyncio
import json
import os
import socket

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()


class ConnectionManager:
    def __init__(self):
        self.active_connections: list[WebSocket] = []

    async def connect(self, websocket: WebSocket):
        await websocket.accept()
        self.active_connections.append(websocket)

    def disconnect(self, websocket: WebSocket):
        if websocket in self.active_connections:
            self.active_connections.remove(websocket)

    async def broadcast(self, message: str):
        for connection in list(self.active_connections):
            try:
                await connection.send_text(message)
            except Exception:
                self.disconnect(connection)


manager = ConnectionManager()


@app.websocket("/echo")
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            data = await websocket.receive_text()
            await websocket.send_text(data)
    except WebSocketDisconnect:
        pass


@app.websocket("/echo-async")
async def echo_async(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            data = await websocket.receive_text()
            await asyncio.sleep(0)
            await websocket.send_text(data)
    except WebSocketDisconnect:
        pass


@app.websocket("/echo-json")
async def echo_json(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            data = await websocket.receive_json()
            await websocket.send_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    except WebSocketDisconnect:
        pass


@app.websocket("/broadcast")
async def broadcast(websocket: WebSocket):
    await manager.connect(websocket)
    try:
        while True:
            data = await websocket.receive_text()
            await manager.broadcast(data)
    except WebSocketDisconnect:
        manager.disconnect(websocket)


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(os.environ.get("PORT", "0"))))
    sock.listen(4096)
    sock.set_inheritable(True)
    config = uvicorn.Config(app, log_level="warning", ws="websockets", ws_per_message_deflate=False, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    print(f"LISTENING {sock.getsockname()[1]}", flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
