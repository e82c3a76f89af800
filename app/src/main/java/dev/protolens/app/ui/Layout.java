package dev.protolens.app.ui;

import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.Node;

/**
 * The window's layout rules in one place, so narrow windows (1024×700, or 1280×720 at 150 %) do not break screen by
 * screen: a control's own text is never cut (it keeps its preferred width and rows of controls wrap instead); a
 * long free text wraps to as many lines as it needs; the only text that may be cut is a message in a fixed slot,
 * marked {@link #ELIDES}, whose whole text is in its tooltip. The layout test checks each of these.
 */
public final class Layout {
    /** Style class of a label that may show its text cut in a fixed slot; its tooltip always has the whole text. */
    public static final String ELIDES = "elides";

    private Layout() {}

    /** Never narrower than its text: a button or a heading is read whole or not at all. */
    public static <T extends Region> T whole(T r) {
        r.setMinWidth(Region.USE_PREF_SIZE);
        return r;
    }

    /** A free text that wraps and is always as tall as its lines (a VBox would otherwise cut its last lines). */
    public static <T extends Labeled> T wrapping(T l) {
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }

    /** A row of controls that wraps onto a second line when the window is narrow, each control whole. */
    public static FlowPane row(double hgap, Node... nodes) {
        FlowPane p = new FlowPane(hgap, 6);
        p.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        for (Node n : nodes) {
            if (n instanceof Region r) {
                whole(r);
            }
        }
        p.getChildren().addAll(nodes);
        return p;
    }

    /**
     * A label in a fixed slot: it takes the width it is given and none more (a long text never pushes its
     * neighbours), shows what fits, and keeps its whole text in its tooltip.
     */
    public static <T extends Labeled> T slot(T l) {
        l.getStyleClass().add(ELIDES);
        l.setMinWidth(0);
        l.setPrefWidth(0);
        l.setMaxWidth(Double.MAX_VALUE);
        Tooltip tip = new Tooltip();
        tip.setWrapText(true);
        tip.setMaxWidth(560);
        tip.textProperty().bind(l.textProperty());
        l.setTooltip(tip);
        return l;
    }
}
