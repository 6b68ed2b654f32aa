# How tests/scalesim/expected/COMPUTE_REPORT_*.csv were made: SCALE-Sim v2's compute-report
# arithmetic (scalesim/compute/systolic_compute_{os,ws,is}.py: per-fold mapping efficiency and
# compute utilization, averaged over folds; single_layer_sim.py: overall utilization; no stalls),
# re-stated in plain Python for the 32x32 example of issue 3. Run: python3 scalesim_mirror.py
# Mirror of SCALE-Sim v2's compute-report arithmetic (systolic_compute_*.py, single_layer_sim.py)
import math, sys
def layer(H,W,Fh,Fw,C,K,S):
    oh = int(math.ceil((H - Fh + S) / S)); ow = int(math.ceil((W - Fw + S) / S))
    return oh*ow, K, Fh*Fw*C   # M px, N filters, window
def run(df, R, Cc, M, N, Kw):
    if df == 'os': Sr, Sc, T = M, N, Kw
    elif df == 'ws': Sr, Sc, T = Kw, N, M
    else: Sr, Sc, T = Kw, M, N
    rf = math.ceil(Sr / R); cf = math.ceil(Sc / Cc)
    maps = []; utils = []
    for fc in range(cf):
        for fr in range(rf):
            ru = min(R, min(fr*R + R, Sr) - fr*R); cu = min(Cc, min(fc*Cc + Cc, Sc) - fc*Cc)
            mac = ru*cu
            maps.append(mac / (R*Cc))
            if df == 'os': cyc = (T - 1 + R) + Cc - 1
            else: cyc = (2*R + Cc + T - 2) + Cc - 1
            utils.append(mac*T / (R*Cc*cyc))
    if df == 'os': fl = T + R + Cc - 2
    else: fl = T + 2*R + Cc - 2
    total = rf*cf*fl - 1
    num_compute = M*N*Kw
    overall = (num_compute*100) / (total * R*Cc)
    return total, 0, overall, sum(maps)/len(maps)*100, sum(utils)/len(utils)*100
rows = [("Conv1",229,229,7,7,3,64,2),("Conv2_1a",58,58,3,3,64,64,1),("Conv2_1b",58,58,3,3,64,64,1)]
for df in ['os','ws','is']:
    print('==', df)
    print('LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,')
    for i,r in enumerate(rows):
        M,N,K = layer(*r[1:])
        items = run(df, 32, 32, M, N, K)
        print(str(i) + ', ' + ', '.join(str(x) for x in items) + ',')
