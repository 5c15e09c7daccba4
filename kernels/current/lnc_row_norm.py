"""Scales every row of x by the inverse of its sum of squares, on a logical NeuronCore of two
programs that each hold half of the columns (current NKI dialect, launch with kernel[2]).

Each program reduces its half of the columns; the two exchange their partial sums with
nisa.sendrecv, add them, and scale their half. With one program, the program does everything.
"""
import nki
import nki.isa as nisa
import nki.language as nl


@nki.jit
def lnc_row_norm_kernel(x):
    rows, cols = x.shape
    assert rows <= 128, "one row tile"
    n = nl.num_programs(axes=0)
    pid = nl.program_id(0)
    half = cols // n
    out = nl.ndarray((rows, cols), dtype=x.dtype, buffer=nl.shared_hbm)
    part = nl.ndarray((rows, half), dtype=nl.float32, buffer=nl.sbuf)
    nisa.dma_copy(part, x[:, pid * half:(pid + 1) * half])
    squares = nl.ndarray((rows, half), dtype=nl.float32, buffer=nl.sbuf)
    total = nl.ndarray((rows, 1), dtype=nl.float32, buffer=nl.sbuf)
    nisa.activation(squares, nl.square, part, reduce_op=nl.add, reduce_res=total)
    if n > 1:
        other = nl.ndarray((rows, 1), dtype=nl.float32, buffer=nl.sbuf)
        peer = 1 - pid
        nisa.sendrecv(src=total, dst=other, send_to_rank=peer, recv_from_rank=peer, pipe_id=0)
        nisa.tensor_tensor(total, total, other, nl.add)
    inv = nl.ndarray((rows, 1), dtype=nl.float32, buffer=nl.sbuf)
    nisa.reciprocal(inv, total)
    nisa.tensor_scalar(part, part, nl.multiply, inv)
    nisa.dma_copy(out[:, pid * half:(pid + 1) * half], part)
    return out
