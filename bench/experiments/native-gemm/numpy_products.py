# numpy's time for the MNIST step's two large products (run with OPENBLAS_NUM_THREADS=1 for one thread).
import numpy as np, time, os
rng=np.random.default_rng(0)
for dt in (np.float64,np.float32):
    x=rng.random((100,784)).astype(dt); W=rng.random((784,40)).astype(dt); d=rng.random((100,40)).astype(dt)
    for name,f in (("x@W",lambda: x@W),("xT@d",lambda: x.T@d)):
        for _ in range(200): f()
        ts=[]
        for _ in range(2000):
            t=time.perf_counter(); f(); ts.append(time.perf_counter()-t)
        ts.sort(); print(os.environ.get("OPENBLAS_NUM_THREADS","-"),dt.__name__,name,"p10 %.1f us median %.1f us -> %.1f GFLOP/s"%(ts[200]*1e6,ts[1000]*1e6,2*100*784*40/ts[200]/1e9))
