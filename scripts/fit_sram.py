#!/usr/bin/env python3
"""Fits the SRAM figures of the technology tables to CACTI 7 points (CACTI 7:
Balasubramonian et al., ACM TACO 14(2), 2017) for 8, 64 and 512 KB banks:
one read/write port, 64-bit port, itrs-hp cells, 360 K.

Functional form (docs/COSTMODEL.md "SRAM"): for one bank of capacity C bytes,

    f(C) = k * (C / 8192) ** p

fitted by least squares on ln f (i.e. minimising relative error), separately
for read energy per 64-bit access (pJ), area (mm^2) and leakage (mW). The
parameters are rounded to 4 significant digits, and the residuals printed are
those of the rounded parameters, exactly as the tables store them.

Run: python3 scripts/fit_sram.py   (prints the "sram" fits as JSON)
"""
import json
import math

POINTS = {
    "45nm": {
        "read_energy_pj": [(8192, 6.05), (65536, 21.2), (524288, 59.9)],
        "area_mm2": [(8192, 0.029), (65536, 0.234), (524288, 1.78)],
        "leakage_mw": [(8192, 11.0), (65536, 82.0), (524288, 599.0)],
    },
    "22nm": {
        "read_energy_pj": [(8192, 1.73), (65536, 5.33), (524288, 15.5)],
        "area_mm2": [(65536, 0.063), (524288, 0.464)],
    },
}
REF = 8192.0


def sig(x, n=4):
    return float(f"{x:.{n}g}")


def fit(points):
    xs = [math.log(c / REF) for c, _ in points]
    ys = [math.log(v) for _, v in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    p = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    k = math.exp(my - p * mx)
    k, p = sig(k), sig(p)
    res = []
    for c, v in points:
        f = k * (c / REF) ** p
        res.append({"capacity_bytes": c, "published": v, "fit": sig(f, 5), "residual": round(f / v - 1, 4)})
    return k, p, res


def main():
    out = {}
    for node, quantities in POINTS.items():
        out[node] = {}
        for q, pts in quantities.items():
            k, p, res = fit(pts)
            out[node][q] = {"k": k, "p": p, "points": res,
                            "max_abs_residual": max(abs(r["residual"]) for r in res)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
