// One Insights chart, drawn from the spec the window sets (JSON: see insights_specs.py):
// stacked bars (horizontal or not) over categories, or lines over weeks with marks.
// Clicks and hovers go back to Python through `bridge` (insights_chart.ChartBridge).
import QtQuick
import QtGraphs

Item {
    id: root
    property string specJson: "{}"
    property bool dark: false
    // Set from the window's palette (insights_chart.line_colours): quiet lines on dark too
    property color gridColor: dark ? "#474747" : "#cbcbcb"
    property color axisColor: dark ? "#777777" : "#8f8f8f"
    property var spec: ({})
    property var made: []
    // A horizontal chart's category labels, drawn on the left: "model · figures" on one line,
    // or, when each bar has room for two lines, the model over its figures, so that a
    // narrow window elides the model's name and never the figures.
    property real wholeWidth: 0  // the widest label on one line
    property real splitWidth: 0  // the widest line of a label in two
    readonly property bool twoLines: splitWidth > 0 && rowHeight >= 2.4 * metrics.height
    readonly property real rowHeight: (view.height - 60) / Math.max(1, (spec.categories || []).length)
    readonly property real labelWidth: twoLines ? splitWidth : wholeWidth
    // A vertical chart's categories (weeks) take turns at being labelled when all of them
    // would not fit side by side.
    property real categoryWidth: 0  // the widest category of a vertical chart
    readonly property int labelStep: categoryWidth > 0
        ? Math.max(1, Math.ceil((spec.categories || []).length * (categoryWidth + 14)
                                / Math.max(1, view.plotArea.width)))
        : 1
    // Weeks on the time axis: as many labels as fit (the axis spreads that many ticks).
    readonly property real dateWidth: metrics.advanceWidth(dayMonth("2026-09-28")) + 20

    onSpecJsonChanged: build()

    Component.onCompleted: build()

    function clearMade() {
        for (let i = 0; i < made.length; ++i) {
            view.removeSeries(made[i]);
            made[i].destroy();
        }
        made = [];
        bars.clear();
    }

    function build() {
        spec = JSON.parse(specJson);
        clearMade();
        if (spec.kind === "bars")
            buildBars();
        else if (spec.kind === "lines")
            buildLines();
    }

    function buildBars() {
        view.orientation = spec.horizontal ? Qt.Horizontal : Qt.Vertical;
        // Qt Graphs puts a horizontal chart's category labels on the right, clipped: the
        // labels are drawn here on the left instead (the Repeater below).
        categoryAxis.visible = !spec.horizontal;
        let widest = 0, widestLine = 0;
        for (let i = 0; i < spec.categories.length; ++i) {
            widest = Math.max(widest, metrics.advanceWidth(spec.categories[i]));
            for (const line of splitLabel(spec.categories[i]))
                widestLine = Math.max(widestLine, metrics.advanceWidth(line));
        }
        wholeWidth = spec.horizontal ? widest : 0;
        splitWidth = spec.horizontal ? widestLine : 0;
        categoryWidth = spec.horizontal ? 0 : widest;
        view.axisX = categoryAxis;
        view.axisY = valueAxis;
        categoryAxis.categories = spec.categories;
        valueAxis.min = 0;
        valueAxis.max = spec.valueMax;
        valueAxis.labelDecimals = spec.decimals;
        valueAxis.tickInterval = spec.tickInterval || 0;
        bars.barsType = spec.stacked ? BarSeries.BarsType.Stacked : BarSeries.BarsType.Groups;
        for (let i = 0; i < spec.sets.length; ++i) {
            const set = Qt.createQmlObject("import QtGraphs; BarSet {}", bars);
            set.label = spec.sets[i].name;
            set.color = spec.sets[i].color;
            set.borderColor = spec.sets[i].color;
            set.selectedColor = spec.sets[i].color;
            set.values = spec.sets[i].values;
            bars.append(set);
        }
        bars.visible = true;
    }

    function buildLines() {
        bars.visible = false;
        view.orientation = Qt.Vertical;
        wholeWidth = 0;
        splitWidth = 0;
        categoryWidth = 0;
        view.axisX = timeAxis;
        view.axisY = valueAxis;
        timeAxis.min = new Date(spec.xMin);
        timeAxis.max = new Date(spec.xMax);
        valueAxis.min = 0;
        valueAxis.max = spec.valueMax;
        valueAxis.labelDecimals = spec.decimals;
        valueAxis.tickInterval = spec.tickInterval || 0;
        const made_ = [];
        for (let i = 0; i < spec.lines.length; ++i) {
            const line = spec.lines[i];
            const series = Qt.createQmlObject(
                "import QtGraphs; " + (line.scatter ? "ScatterSeries" : "LineSeries") + " {}", view);
            series.name = line.name;
            series.color = line.color;
            if (!line.scatter)
                series.width = 2;
            for (let p = 0; p < line.points.length; ++p)
                series.append(line.points[p][0], line.points[p][1]);
            series.hoverable = true;
            series.selectable = true;
            series.clicked.connect(function(point) { root.pointClicked(i, point); });
            series.hoverEnter.connect(function(name, position, value) { root.showTip(i, value, position); });
            series.hoverExit.connect(function() { tip.visible = false; });
            view.addSeries(series);
            made_.push(series);
        }
        made = made_;
    }

    function splitLabel(text) {
        // "model · figures": the model, then the rest
        const at = text.indexOf(" · ");
        return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 3)];
    }

    function dayMonth(text) {
        const day = Date.fromLocaleString(Qt.locale("C"), text, "yyyy-MM-dd");
        return isNaN(day.getTime()) ? text : day.toLocaleDateString(Qt.locale(), "d MMM");
    }

    function nearest(i, value) {
        const points = spec.lines[i].points;
        let best = 0;
        for (let p = 1; p < points.length; ++p)
            if (Math.abs(points[p][0] - value.x) < Math.abs(points[best][0] - value.x))
                best = p;
        return best;
    }

    function pointClicked(i, point) {
        bridge.click_point(i, nearest(i, point));
    }

    function showBarTip(value, position) {
        const text = spec.tips ? spec.tips[Math.round(value.x)] : "";
        if (!text) {
            tip.visible = false;
            return;
        }
        placeTip(text, position);
    }

    function placeTip(text, position) {
        tip.text = text;
        const x = view.plotArea.x + position.x, y = view.plotArea.y + position.y;
        tip.x = Math.max(4, Math.min(x + 12, root.width - tip.width - 4));
        tip.y = y - tip.height - 8 >= 4 ? y - tip.height - 8 : y + 16;
        tip.visible = true;
    }

    function showTip(i, value, position) {
        const tips = spec.lines[i].tips;
        if (!tips)
            return;
        placeTip(tips[nearest(i, value)], position);
    }

    GraphsView {
        id: view
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: legend.top
        marginLeft: root.labelWidth > 0 ? Math.min(root.labelWidth, root.width * 0.5) + 12 : 4
        // A line chart's last week label is centred on the axis's end: room for its half
        marginRight: root.spec.kind === "lines" ? Math.max(16, root.dateWidth / 2) : 16
        marginTop: root.labelWidth > 0 ? 22 : 8
        axisX: categoryAxis
        axisY: valueAxis
        marginBottom: 4
        theme: GraphsTheme {
            colorScheme: root.dark ? GraphsTheme.ColorScheme.Dark : GraphsTheme.ColorScheme.Light
            theme: GraphsTheme.Theme.QtGreen
            plotAreaBackgroundVisible: false
            backgroundVisible: false
            grid.mainColor: root.gridColor
            grid.subColor: root.gridColor
            axisX.mainColor: root.axisColor
            axisX.subColor: root.gridColor
            axisY.mainColor: root.axisColor
            axisY.subColor: root.gridColor
        }

        BarSeries {
            id: bars
            barWidth: 0.7
            hoverable: true
            selectable: true  // Qt Graphs reports clicks only on selectable series
            onClicked: (index, barset) => {
                bars.deselectAll();  // a click opens the runs; nothing stays selected
                bridge.click_bar(index, bars.find(barset));
            }
            // A bar's hover gives (category, the bar's value): the tip is the category's.
            onHoverEnter: (name, position, value) => root.showBarTip(value, position)
            onHover: (name, position, value) => root.showBarTip(value, position)
            onHoverExit: tip.visible = false
        }
    }

    FontMetrics { id: metrics }

    Flow {
        id: legend
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: 8
        spacing: 14
        Repeater {
            model: root.spec.legend || []
            delegate: Row {
                required property var modelData
                spacing: 5
                Rectangle {
                    width: 10; height: 10
                    radius: modelData.round ? 5 : 2
                    color: modelData.color
                    anchors.verticalCenter: parent.verticalCenter
                }
                Text {
                    text: modelData.name
                    color: root.dark ? "#d0d0d0" : "#303030"
                }
            }
        }
    }

    Repeater {
        model: root.spec.kind === "bars" && root.spec.horizontal ? root.spec.categories : []
        delegate: Column {
            id: label
            required property string modelData
            required property int index
            readonly property real row: view.plotArea.height / Math.max(1, root.spec.categories.length)
            readonly property var lines: root.twoLines ? root.splitLabel(modelData) : [modelData]
            x: 4
            width: view.plotArea.x - 12
            y: view.plotArea.y + (index + 0.5) * row - height / 2
            Repeater {
                model: label.lines
                delegate: Text {
                    required property string modelData
                    required property int index
                    width: label.width
                    text: modelData
                    // The model's name gives way first; the figures are cut last.
                    elide: index === 0 ? Text.ElideMiddle : Text.ElideRight
                    horizontalAlignment: Text.AlignRight
                    color: root.dark ? "#d0d0d0" : "#303030"
                }
            }
        }
    }

    BarCategoryAxis {
        id: categoryAxis
        gridVisible: false
        subGridVisible: false
        labelDelegate: Item {
            property string text
            implicitWidth: weekLabel.implicitWidth
            implicitHeight: weekLabel.implicitHeight
            Text {
                id: weekLabel
                anchors.centerIn: parent
                text: root.labelStep === 1
                    || (root.spec.categories || []).indexOf(parent.text) % root.labelStep === 0
                    ? parent.text : ""
                color: view.theme.axisX.labelTextColor
            }
        }
    }
    ValueAxis { id: valueAxis; subGridVisible: false }
    // Qt Graphs writes a date's label in English whatever the locale: it hands a plain
    // date here instead, said as "d MMM" in the window's language (Qt.locale() follows
    // the default locale journal.gui.i18n sets).
    DateTimeAxis {
        id: timeAxis
        objectName: "timeAxis"
        labelFormat: "yyyy-MM-dd"
        subGridVisible: false
        gridVisible: false
        // Read by Qt Graphs as how many spans the axis is cut into (measured: 4 gave four
        // labels, whatever the dates).
        tickInterval: Math.max(2, Math.min(12, Math.floor(view.plotArea.width / root.dateWidth)))
        labelDelegate: Item {
            property string text
            implicitWidth: dayMonth.implicitWidth
            implicitHeight: dayMonth.implicitHeight
            Text {
                id: dayMonth
                anchors.centerIn: parent
                text: root.dayMonth(parent.text)
                color: view.theme.axisX.labelTextColor
            }
        }
    }

    Rectangle {
        id: tip
        property alias text: tipText.text
        visible: false
        z: 10
        color: root.dark ? "#3b3b3b" : "#ffffe8"
        border.color: root.dark ? "#666666" : "#aaaaaa"
        radius: 3
        width: tipText.width + 12
        height: tipText.height + 8
        Text {
            id: tipText
            anchors.centerIn: parent
            width: Math.min(implicitWidth, 340)
            wrapMode: Text.WordWrap
            color: root.dark ? "#e6e6e6" : "#202020"
        }
    }
}
