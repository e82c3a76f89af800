package dev.protolens.app;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.Cell;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.text.Text;
import dev.protolens.app.ui.Layout;

/**
 * Walks a window's scene graph and lists what a user would see broken at this size: a label or button whose text
 * is shown cut (JavaFX's skin draws "Save to lib…" when the text does not fit) and a control that lies outside the
 * window, or outside the scroll pane that holds it (where it can never be scrolled to on the clipped axis), and a
 * text a figure draws past its canvas's edge ({@link dev.protolens.app.figures.FigureTextCheck}).
 */
public final class LayoutCheck {
    private LayoutCheck() {}

    /** Every problem found, one line each ("cut: 'Save to library' shows 'Save to lib…' in #result-panel"). */
    public static List<String> problems(Scene scene) {
        List<String> out = new ArrayList<>();
        walk(scene.getRoot(), scene, out);
        return out;
    }

    private static void walk(Node n, Scene scene, List<String> out) {
        if (!n.isVisible() || n.getOpacity() == 0) {
            return;
        }
        if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()) {
            String shown = shownText(l);
            // a text that changed between layout and this look (a clock, the memory line) is not a cut one
            boolean cut = shown != null && !shown.equals(l.getText()) && !shown.equals(l.getText().replace("_", ""))
                    && (shown.isEmpty() || shown.contains("...") || shown.contains("…") && !l.getText().contains("…")
                            || shown.length() < l.getText().length())
                    && !(n instanceof Cell<?> c && c.isEmpty());
            if (cut && !l.getStyleClass().contains(Layout.ELIDES)) {
                out.add("cut: '" + l.getText() + "' shows '" + shown + "' in " + where(n));
            } else if (cut && !hasTooltip(n)) {
                out.add("cut without a tooltip that has the whole text: '" + l.getText() + "' in " + where(n));
            }
        }
        if ((n instanceof ButtonBase || n instanceof TextInputControl || n instanceof javafx.scene.control.ChoiceBox<?>
                || n instanceof javafx.scene.control.ComboBoxBase<?> || n instanceof javafx.scene.control.Spinner<?>
                || n instanceof javafx.scene.canvas.Canvas) && !insideScroller(n)) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            if (b.getWidth() > 0 && (b.getMaxX() > scene.getWidth() + 1 || b.getMaxY() > scene.getHeight() + 1
                    || b.getMinX() < -1 || b.getMinY() < -1)) {
                out.add("outside the window: " + describe(n) + " at " + fmt(b) + " in " + where(n));
            }
        }
        if (n instanceof dev.protolens.app.figures.FigureCanvas fc && n.getScene() != null) {
            dev.protolens.app.figures.FigureTextCheck.problems(fc).forEach(p -> out.add(p + " in " + where(n)));
        }
        if (n instanceof ScrollPane sp && sp.getHbarPolicy() == ScrollPane.ScrollBarPolicy.NEVER
                && sp.getContent() != null) {
            double contentW = sp.getContent().getLayoutBounds().getWidth();
            double viewW = sp.getViewportBounds().getWidth();
            if (viewW > 0 && contentW > viewW + 1) {
                out.add("clipped on the right: " + describe(sp.getContent()) + " is " + Math.round(contentW)
                        + " px wide in a " + Math.round(viewW) + " px view that cannot scroll sideways, in " + where(sp));
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                walk(c, scene, out);
            }
        }
    }

    /** The text the skin draws: a Text child of the label (LabeledText), or null before the skin exists. */
    private static String shownText(Labeled l) {
        if (l.getSkin() == null) {
            return null;
        }
        for (Node c : l.getChildrenUnmodifiable()) {
            if (c instanceof Text t && c.getClass().getSimpleName().equals("LabeledText")) {
                return t.isVisible() ? t.getText() : null;
            }
        }
        return null;
    }

    private static boolean hasTooltip(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.Control c && c.getTooltip() != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean insideScroller(Node n) {
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (p instanceof ScrollPane || p instanceof javafx.scene.control.skin.VirtualFlow<?>) {
                return true;
            }
        }
        return false;
    }

    private static String where(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p.getId() != null) {
                return "#" + p.getId();
            }
        }
        return "the window";
    }

    private static String describe(Node n) {
        String id = n.getId() != null ? "#" + n.getId() : n.getClass().getSimpleName();
        return n instanceof Labeled l ? id + " '" + l.getText() + "'" : id;
    }

    private static String fmt(Bounds b) {
        return Math.round(b.getMinX()) + "," + Math.round(b.getMinY()) + "–" + Math.round(b.getMaxX()) + ","
                + Math.round(b.getMaxY());
    }
}
