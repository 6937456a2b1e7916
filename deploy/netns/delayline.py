#!/usr/bin/env python3
"""Delay line for the orcha sandbox's network namespace mode ("sandbox delay PORT MS").

Forwards every Ethernet frame between two interfaces of the same namespace, each frame after a
fixed delay, in both directions, in order. The sandbox puts it between a server's veth and the
bridge when the kernel has no netem qdisc (tc qdisc ... netem: "Specified qdisc kind is
unknown."); the two interfaces are then not bridged to each other by anything else.

    delayline.py IF_A IF_B MICROSECONDS READY_FILE

Writes its pid to READY_FILE once both interfaces are bound, then runs until killed. Frames
are read with PACKET_VNET_HDR and written back with the same header, so GSO super-frames and
partial checksums of veth traffic pass through unchanged. A frame that cannot be sent (the
interface is down: the server is cut off) is lost, as on a wire. Standard library only.
"""

import heapq
import os
import select
import socket
import sys
import time

SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_IGNORE_OUTGOING = 23
PACKET_OUTGOING = 4
ETH_P_ALL = 0x0003
BUF = 1 << 18  # vnet header + a 64 KiB GSO frame, with room to spare
MAX_QUEUED = 200000  # frames in flight; more are dropped, like a full queue
DRAIN = 256  # frames read from one socket per wake-up


def open_packet_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    try:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass  # kernels before 4.20: outgoing frames are skipped by their packet type below
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    s.bind((ifname, ETH_P_ALL))
    s.setblocking(False)
    return s


def main(argv):
    if len(argv) != 5:
        sys.stderr.write("usage: delayline.py IF_A IF_B MICROSECONDS READY_FILE\n")
        return 2
    if_a, if_b, micros, ready = argv[1], argv[2], int(argv[3]), argv[4]
    delay = micros / 1e6
    a = open_packet_socket(if_a)
    b = open_packet_socket(if_b)
    other = {a.fileno(): b, b.fileno(): a}
    tmp = ready + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, ready)

    queue = []  # (due, seq, out socket, frame)
    seq = 0
    poller = select.poll()
    poller.register(a.fileno(), select.POLLIN)
    poller.register(b.fileno(), select.POLLIN)
    while True:
        if queue:
            wait_ms = max(0.0, (queue[0][0] - time.monotonic()) * 1000.0)
            events = poller.poll(wait_ms)
        else:
            events = poller.poll()
        now = time.monotonic()
        for fd, _ in events:
            src = a if fd == a.fileno() else b
            out = other[fd]
            for _ in range(DRAIN):
                try:
                    frame, addr = src.recvfrom(BUF)
                except BlockingIOError:
                    break
                except OSError:
                    break  # ENETDOWN once when the link goes down (cut); nothing to forward
                if addr[2] == PACKET_OUTGOING:
                    continue
                if len(queue) < MAX_QUEUED:
                    heapq.heappush(queue, (now + delay, seq, out, frame))
                    seq += 1
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError:
                pass  # link down (cut) or no buffer space: the frame is lost


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(0)
