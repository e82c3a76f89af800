package dev.protolens.engine.inside;

/**
 * The one-step pass's accuracy with attention removed, for each ℓ = 1..L.
 *
 * @param baseline the accuracy with nothing removed
 * @param accuracy per ℓ (index ℓ − 1)
 * @param tokens   per ℓ, the tokens written
 * @param texts    per ℓ, the text written
 */
public record KnockOutCurve(KnockOut what, KnockOut.Scope scope, double baseline, double[] accuracy, long[][] tokens,
                            String[] texts) {

    public int layers() {
        return accuracy.length;
    }

    /** The layers ℓ whose knock-out leaves less than {@code share} of the text right. */
    public java.util.List<Integer> breakingBelow(double share) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int l = 1; l <= accuracy.length; l++) {
            if (accuracy[l - 1] < share) {
                out.add(l);
            }
        }
        return out;
    }
}
