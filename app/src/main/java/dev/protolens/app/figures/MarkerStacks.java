package dev.protolens.app.figures;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Point2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Markers drawn at (nearly) one place, which hide each other, grouped into stacks in screen pixels: a marker
 * joins the first stack whose first marker lies within {@code overlap} pixels of it, so the grouping follows the
 * drawing order and is the same on every repaint. A stack of two or more carries a badge with its count.
 */
final class MarkerStacks {
    static final MarkerStacks NONE = new MarkerStacks(new int[0], new int[0]);

    private final int[] head;
    private final int[] size;

    private MarkerStacks(int[] head, int[] size) {
        this.head = head;
        this.size = size;
    }

    /** The stacks of markers drawn at {@code drawn} (centres, pixels). */
    static MarkerStacks of(Point2D[] drawn, double overlap) {
        int n = drawn.length;
        int[] head = new int[n];
        int[] size = new int[n];
        List<Integer> heads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int joined = -1;
            for (int h : heads) {
                if (drawn[h].distance(drawn[i]) <= overlap) {
                    joined = h;
                    break;
                }
            }
            if (joined < 0) {
                heads.add(i);
                joined = i;
            }
            head[i] = joined;
            size[joined]++;
        }
        return new MarkerStacks(head, size);
    }

    /** How many markers share marker {@code i}'s place (1: it is seen alone, or unknown). */
    int sizeOf(int i) {
        return i >= 0 && i < head.length ? size[head[i]] : 1;
    }

    /** A count on each stack, at its first marker's upper right ({@code radius}: the markers' radius). */
    void drawBadges(Graphics2D g, FigureStyle s, Point2D[] drawn, double radius) {
        g.setFont(s.font(0.8f, Font.BOLD));
        FontMetrics fm = g.getFontMetrics();
        for (int h = 0; h < head.length; h++) {
            if (head[h] != h || size[h] < 2) {
                continue;
            }
            String n = Integer.toString(size[h]);
            double w = Math.max(fm.stringWidth(n) + 6, fm.getAscent() + 3);
            double ht = fm.getAscent() + 3;
            double x = drawn[h].getX() + radius - 1;
            double y = drawn[h].getY() - radius - ht + 2;
            g.setColor(s.foreground());
            g.fill(new RoundRectangle2D.Double(x, y, w, ht, ht, ht));
            g.setColor(s.background());
            g.drawString(n, (float) (x + (w - fm.stringWidth(n)) / 2), (float) (y + ht - 2.5));
        }
    }
}
