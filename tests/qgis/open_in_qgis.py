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
    from qgis.core import (QgsApplication, QgsCoordinateTransform, QgsLayoutExporter, QgsLayoutItemLegend, QgsLayoutItemMap,
                           QgsLayoutItemPicture, QgsLayoutItemScaleBar, QgsLayoutItemLabel, QgsMapRendererSequentialJob, QgsMapSettings,
                           QgsProject, QgsRectangle, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QFontDatabase
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
check(groups == ["决策", "基础设施缺口", "可达性", "道路问题", "底图"], "groups in order, in Chinese (the default --lang): %s" % groups)
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
check(by_id["demo_towns"].attributeAlias(by_id["demo_towns"].fields().indexOf("score")) == "综合得分 (分)", "aliases in the project")

for name, renderer in expected.items():
    layer = QgsVectorLayer(os.path.join(out, "townsite.gpkg") + "|layername=" + name, name, "ogr")
    _, loaded = layer.loadDefaultStyle()
    check(layer.isValid() and loaded and layer.renderer().type() == renderer, "the GeoPackage alone styles %s" % name)

# The project opens in the working CRS (projected, with an ellipsoid for measurements), on the province.
crs = project.crs()
check(crs.isValid() and not crs.isGeographic(), "the project CRS is valid and projected: %s" % crs.description())
check(project.ellipsoid() not in ("", "NONE"), "the project has an ellipsoid: %s" % project.ellipsoid())
view = project.viewSettings().defaultViewExtent()
prefectures = by_id["prefectures"]
to_crs = QgsCoordinateTransform(prefectures.crs(), crs, project)
province = QgsRectangle()
province.setMinimal()
for f in prefectures.getFeatures():
    g = f.geometry()
    g.transform(to_crs)
    province.combineExtentWith(g.boundingBox())
check(not view.isEmpty() and view.contains(province) and view.width() < province.width() * 1.2,
      "the default view shows the province: %s for %s" % (view.toString(0), province.toString(0)))

# What a planner sees first: the demonstration towns, gaps, admin units and roads; the rest off; dense layers only zoomed in.
root = project.layerTreeRoot()
shown = {name for name, layer in by_id.items() if root.findLayer(layer.id()).isVisible()}
check(shown == {"demo_towns", "coverage_gaps", "roads", "counties", "prefectures"}, "layers switched on: %s" % sorted(shown))
for name in ("villages", "coverage_gaps", "network_extensions"):
    check(by_id[name].hasScaleBasedVisibility() and by_id[name].minimumScale() > 0, "%s is drawn only when zoomed in" % name)
check(by_id["counties"].labelsEnabled(), "counties are labelled")
check(by_id["roads"].renderer().type() == "graduatedSymbol", "roads are styled by speed")
check("Noto Sans CJK SC" in QFontDatabase().families(), "the CJK font the styles name is installed (fonts-noto-cjk)")

# Every layer draws something, on its own extent (zoomed into one feature for the dense ones).
def drawn_pixels(layers, extent):
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(crs)
    ms.setOutputSize(QSize(400, 300))
    ms.setExtent(extent)
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    white = QColor(255, 255, 255).rgb()
    return sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2) if img.pixel(x, y) != white)

for name, layer in sorted(by_id.items()):
    if not layer.isSpatial() or layer.featureCount() == 0:
        continue
    to_project = QgsCoordinateTransform(layer.crs(), crs, project)
    extent = to_project.transformBoundingBox(layer.extent())
    if layer.hasScaleBasedVisibility():
        first = next(layer.getFeatures())
        extent = to_project.transformBoundingBox(first.geometry().boundingBox())
        extent = QgsRectangle(extent.center().x() - 8000, extent.center().y() - 6000, extent.center().x() + 8000, extent.center().y() + 6000)
    else:
        extent = extent.buffered(max(extent.width(), extent.height()) * 0.05 + 100)
    check(drawn_pixels([layer], extent) > 0, "layer %s draws something" % name)

# A print layout for the province and one per prefecture, each with map, legend, scale bar, north arrow and texts; the province's prints.
layouts = project.layoutManager().layouts()
check(len(layouts) == 1 + prefectures.featureCount(), "one layout for the province and one per prefecture: %d" % len(layouts))
for layout in layouts:
    kinds = {type(i).__name__ for i in layout.items()}
    for needed in (QgsLayoutItemMap, QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsLayoutItemPicture, QgsLayoutItemLabel):
        check(needed.__name__ in kinds, "layout %s has a %s" % (layout.name(), needed.__name__))
province_layout = project.layoutManager().layoutByName("全省")
check(province_layout is not None, "the province layout is there")
if province_layout is not None:
    image = QgsLayoutExporter(province_layout).renderPageToImage(0, QSize(1123, 794))
    white = QColor(255, 255, 255).rgb()
    inked = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3) if image.pixel(x, y) != white)
    check(inked > 2000, "the province layout prints a map (%d inked samples)" % inked)
    legend = [i for i in province_layout.items() if isinstance(i, QgsLayoutItemLegend)]
    check(legend and legend[0].model().rowCount() >= 3, "the province legend lists the layers shown")

# With --lang en the same project speaks English: groups, aliases, legend labels and layouts.
english = os.path.join(work, "qgis_check_out_en")
subprocess.run([townsite, "-q", "run", "-o", english, "--overwrite", "--sensitivity", "0", "--lang", "en"], check=True)
project.clear()
check(project.read(os.path.join(english, "townsite.qgs")), "the English project reads")
groups = [g.name() for g in project.layerTreeRoot().children()]
check(groups == ["decision", "infrastructure gaps", "accessibility", "road problems", "base"], "groups in English: %s" % groups)
by_id = {layer.id().rsplit("_", 5)[0]: layer for layer in project.mapLayers().values()}
demo = by_id["demo_towns"]
check(demo.attributeAlias(demo.fields().indexOf("score")) == "score (points)", "aliases in English")
labels = [c.label() for c in by_id["coverage_gaps"].renderer().categories()]
check(labels[:2] == ["water", "gas"], "legend labels in English: %s" % labels)
check(project.layoutManager().layoutByName("province") is not None, "the province layout is named in English")

for f in failures:
    print("FAILED:", f)
print("QGIS %s: %d checks failed" % (__import__("qgis.core").core.Qgis.QGIS_VERSION, len(failures)), flush=True)
# Straight out: PyQGIS 3.22 can crash tearing down layers that Python still holds.
os._exit(1 if failures else 0)
