package dev.protolens.app.ui;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;

/** The app icon (assets/icons, rendered from protolens.svg) at the sizes window managers pick from. */
public final class AppIcon {
    private static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512};

    private AppIcon() {}

    public static List<Image> images() {
        List<Image> out = new ArrayList<>();
        for (int s : SIZES) {
            Image i = load(s);
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** The icon drawn at {@code size} logical pixels, from a bitmap large enough for a 2x screen. */
    public static ImageView view(double size) {
        Image i = load(128);
        ImageView v = new ImageView(i);
        v.setFitWidth(size);
        v.setFitHeight(size);
        v.setSmooth(true);
        return v;
    }

    private static Image load(int size) {
        try (InputStream in = AppIcon.class.getResourceAsStream("/dev/protolens/app/icons/protolens-" + size + ".png")) {
            return in == null ? null : new Image(in);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
