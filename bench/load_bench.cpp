// Loading benchmark: townsite's load_study (every layer read, transformed to the working CRS,
// checked and repaired, indexed) against GDAL reading the same layers, in the same run: every
// feature with every field as text and its geometry parsed, transformed to the working CRS by one
// OGRCoordinateTransformation per layer, then as WKB (what a program needs before GEOS can use it).
//
//   build-bench/bench/load_bench CONFIG [label]
//   bench/run.sh                                  # x1 and x10
#include "geo/study.h"

#include "bench/common.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <memory>
#include <vector>

using namespace townsite;
using townsite::bench::best_of;

namespace {

// GDAL alone: returns the number of features read.
std::size_t gdal_read(const StudyConfig& config, const std::string& working_crs) {
    OGRSpatialReference work;
    work.SetFromUserInput(working_crs.c_str());
    work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::size_t features = 0;
    std::vector<unsigned char> wkb;
    std::string text;
    for (const LayerSource& src : config.layers) {
        GDALDatasetUniquePtr ds(GDALDataset::Open(src.resolved.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        if (!ds) continue;
        OGRLayer* l = src.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(src.layer.c_str());
        if (!l) continue;
        std::unique_ptr<OGRCoordinateTransformation> ct;
        if (const OGRSpatialReference* srs = l->GetSpatialRef()) {
            OGRSpatialReference from(*srs);
            from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            ct.reset(OGRCreateCoordinateTransformation(&from, &work));
        }
        for (auto& f : *l) {
            for (int i = 0; i < f->GetFieldCount(); ++i) text = f->GetFieldAsString(i);
            if (OGRGeometry* g = f->GetGeometryRef()) {
                if (ct) g->transform(ct.get());
                wkb.resize(std::size_t(g->WkbSize()));
                g->exportToWkb(wkbNDR, wkb.data());
            }
            ++features;
        }
    }
    return features;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "load_bench CONFIG [label]");
    const StudyConfig config = load_config(argv[1]);
    std::string crs;
    std::size_t ours_features = 0, gdal_features = 0;
    // Interleaved, best of three each.
    double ours = 1e300, gdal = 1e300;
    for (int k = 0; k < 3; ++k) {
        ours = std::min(ours, best_of(1, [&] {
                            const Study study = load_study(config);
                            crs = study.crs.definition;
                            ours_features = 0;
                            for (const auto& l : study.layers) ours_features += l.features.size();
                        }));
        gdal = std::min(gdal, best_of(1, [&] { gdal_features = gdal_read(config, crs); }));
    }
    std::printf("%s: %zu layers, %zu features (GDAL read %zu)\n", label.c_str(), config.layers.size(), ours_features, gdal_features);
    std::printf("  load_study %8.3f s   GDAL read and transform %8.3f s   ratio %.2fx\n", ours, gdal, ours / gdal);
    return 0;
}
