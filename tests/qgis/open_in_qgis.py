"""QGIS itself opens what `townsite run` writes: the project (groups, layers valid, styled, labels,
aliases) and the GeoPackage alone (its default styles from layer_styles).

Runs only where PyQGIS is installed (Debian: python3-qgis); elsewhere it exits 77, which CTest
reports as skipped. Usage: open_in_qgis.py TOWNSITE_BIN WORK_DIR
"""
import os
import subprocess
import sys

try:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
except ImportError:
    print("PyQGIS is not installed (apt-get install python3-qgis): skipped")
    sys.exit(77)

townsite, work = sys.argv[1], sys.argv[2]
out = os.path.join(work, "qgis_check_out")
subprocess.run([townsite, "-q", "run", "-o", out, "--overwrite", "--sensitivity", "0"], check=True)

app = QgsApplication([], False)
app.initQgis()
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


project = QgsProject.instance()
check(project.read(os.path.join(out, "townsite.qgs")), "the project reads")
groups = [g.name() for g in project.layerTreeRoot().children()]
check(groups == ["决策 decision", "基础设施缺口 infrastructure gaps", "可达性 accessibility", "道路问题 road problems", "底图 base"],
      "groups in order: %s" % groups)
expected = {"demo_towns": "categorizedSymbol", "towns": "graduatedSymbol", "coverage_gaps": "categorizedSymbol",
            "network_extensions": "categorizedSymbol", "isochrones": "graduatedSymbol", "road_dead_ends": "singleSymbol",
            "road_components": "categorizedSymbol", "villages": "singleSymbol", "counties": "singleSymbol", "prefectures": "singleSymbol"}
by_id = {layer.id().rsplit("_", 5)[0]: layer for layer in project.mapLayers().values()}   # ids: NAME_uuid
for name, renderer in expected.items():
    layer = by_id.get(name)
    check(layer is not None and layer.isValid(), "layer %s is valid" % name)
    if layer is None:
        continue
    check(layer.featureCount() > 0, "layer %s has features" % name)
    check(layer.renderer() is not None and layer.renderer().type() == renderer, "layer %s is drawn by %s" % (name, renderer))
check(by_id["demo_towns"].labelsEnabled(), "demo towns are labelled")
check(by_id["demo_towns"].attributeAlias(by_id["demo_towns"].fields().indexOf("score")) == "综合得分 score (points)", "aliases in the project")

for name, renderer in expected.items():
    layer = QgsVectorLayer(os.path.join(out, "townsite.gpkg") + "|layername=" + name, name, "ogr")
    _, loaded = layer.loadDefaultStyle()
    check(layer.isValid() and loaded and layer.renderer().type() == renderer, "the GeoPackage alone styles %s" % name)

for f in failures:
    print("FAILED:", f)
print("QGIS %s: %d checks failed" % (__import__("qgis.core").core.Qgis.QGIS_VERSION, len(failures)), flush=True)
# Straight out: PyQGIS 3.22 can crash tearing down layers that Python still holds.
os._exit(1 if failures else 0)
