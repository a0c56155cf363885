// GCJ-02, the obfuscated datum of Chinese web maps (Amap/Gaode, DataV, Tencent). No CRS describes
// it and PROJ cannot undo it; positions published in it sit 300-700 m off WGS 84 in Jilin.
// The forward formula is the widely published one (the "eviltransform" family of implementations);
// the inverse is found by fixed-point iteration to better than 1e-9 degrees (about 0.1 mm).
// Outside China's bounding box the offset is zero, as in the published formula.
//
//   double lon = 129.51, lat = 42.89;
//   gcj02_to_wgs84(lon, lat);   // now WGS 84
#pragma once

namespace townsite {

void wgs84_to_gcj02(double& lon, double& lat);
void gcj02_to_wgs84(double& lon, double& lat);

}  // namespace townsite
