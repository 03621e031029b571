# Writes a radius-only skeleton layer as cloud-volume lays one out (what navis writes: a radius,
# no vertex types): `info`, one brotli fragment file `cell.frags` of four skeletons written by
# osteoid 0.7.4 and mapbuffer 1.2.0, and `manifest.json` with what osteoid measures of each.
#   .venv/bin/python Tests/Fixtures/skeleton/layer-radius/generate.py Tests/Fixtures/skeleton/layer-radius
import json, os, sys
import numpy as np
from osteoid import Skeleton
from mapbuffer import MapBuffer

out = sys.argv[1]
rng = np.random.default_rng(20261130)
layout = [{"id": "radius", "data_type": "float32", "num_components": 1}]
transform = [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 40, 0]
info = {"@type": "neuroglancer_skeletons", "transform": transform, "vertex_attributes": layout,
        "mip": 0, "sharding": None, "spatial_index": None}
frags, manifest = {}, []
for label, nv in ((864691135000001, 600), (864691135000002, 1), (864691135000003, 0), (864691135000004, 250)):
  steps = rng.normal(0, 5, (nv, 3)).astype(np.float32)
  verts = np.cumsum(steps, axis=0).astype(np.float32) + np.float32(1000)
  edges = np.array([[i, max(0, i - 1 - int(rng.integers(0, 3)))] for i in range(1, nv)], dtype=np.uint32).reshape(-1, 2)
  skel = Skeleton(verts, edges, segid=label, default_attributes=False, extra_attributes=[dict(a) for a in layout],
                  transform=np.array(transform).reshape(3, 4))
  skel.radius = (rng.random(nv) * 50 + 10).astype(np.float32)
  frags[label] = skel
  # osteoid's cable_length works in physical space and transforms a skeleton in place, so it is
  # measured on copies: one with the identity transform, one already transformed.
  stored = Skeleton(np.copy(verts), edges)
  physical = Skeleton(skel.transform_vertices(verts, skel.transform).astype(np.float32), edges)
  manifest.append({
    "label": label, "vertex_count": nv, "edge_count": int(len(edges)),
    "first_vertex": verts[0].tolist() if nv else None,
    "radius_sum": float(np.sum(skel.radius, dtype=np.float64)),
    "cable_length": float(stored.cable_length()), "physical_cable_length": float(physical.cable_length()),
  })
with open(os.path.join(out, "info"), "w") as f:
  json.dump(info, f)
mb = MapBuffer(frags, compress="br", tobytesfn=lambda s: s.to_precomputed())
with open(os.path.join(out, "cell.frags"), "wb") as f:
  f.write(mb.tobytes())
with open(os.path.join(out, "manifest.json"), "w") as f:
  json.dump(manifest, f, indent=1)
