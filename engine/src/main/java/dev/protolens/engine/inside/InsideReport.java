package dev.protolens.engine.inside;

import java.util.List;

/**
 * Everything the Inside screen shows for one run, as {@code protolens inside} writes it: the fitted pass's lens and
 * attention, the teacher-forced lens, knock-out curves, and the geometry of e and m.
 *
 * @param model     the model's name, for captions
 * @param knockOuts one curve per (what, scope) computed, in the order asked for
 */
public record InsideReport(FittedPass pass, String model, Inside.Look look, LensMap teacherForced,
                           List<KnockOutCurve> knockOuts, ProtoGeometry geometry) {}
