package dev.protolens.engine.model;

/**
 * What the head makes of a residual stream at each (batch, position), without keeping the logits: the
 * log-probability of a given token, and the most likely token with its log-probability. See
 * {@link LanguageModel#read}.
 *
 * @param targetLogProb log p(target), NaN where no target was given
 * @param top           the most likely token (first index on ties)
 * @param topLogProb    its log-probability
 */
public record HeadReading(float[] targetLogProb, long[] top, float[] topLogProb) {}
