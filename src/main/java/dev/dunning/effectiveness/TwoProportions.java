package dev.dunning.effectiveness;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The difference of two rates with its 95 % confidence interval (docs/effectiveness.md, "The comparison"): the
 * challenger's rate minus the champion's, an interval of the difference plus and minus 1.96 unpooled standard errors
 * (Wald: sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)), and the two-proportion z-test of "no difference" with the pooled standard
 * error (sqrt(p(1-p)(1/n1 + 1/n2)), p the rate of both arms together) and its two-sided p-value. The normal
 * approximation wants at least about 10 paying and 10 non-paying customers in each arm; {@code approximate} says when
 * an arm has fewer.
 *
 * @param challengerRate x1 / n1
 * @param championRate x2 / n2
 * @param difference challengerRate - championRate
 * @param low the lower bound of the 95 % interval of the difference
 * @param high the upper bound
 * @param z the test statistic (0 when both arms have the same rate of 0 or 1)
 * @param pValue two-sided
 * @param approximate fewer than 10 successes or failures in an arm: read the interval with care
 */
public record TwoProportions(double challengerRate, double championRate, double difference, double low, double high,
        double z, double pValue, boolean approximate) {

    /** The 97.5th percentile of the standard normal distribution: the multiplier of a two-sided 95 % interval. */
    public static final double Z_95 = new NormalDistribution().inverseCumulativeProbability(0.975);

    /** @return null when an arm has no customers */
    public static TwoProportions of(long challengerSuccesses, long challengerTotal, long championSuccesses,
            long championTotal) {
        if (challengerTotal <= 0 || championTotal <= 0) {
            return null;
        }
        double p1 = (double) challengerSuccesses / challengerTotal;
        double p2 = (double) championSuccesses / championTotal;
        double diff = p1 - p2;
        double unpooled = Math.sqrt(p1 * (1 - p1) / challengerTotal + p2 * (1 - p2) / championTotal);
        double pooled = (double) (challengerSuccesses + championSuccesses) / (challengerTotal + championTotal);
        double pooledSe = Math.sqrt(pooled * (1 - pooled) * (1.0 / challengerTotal + 1.0 / championTotal));
        double z = pooledSe == 0 ? 0 : diff / pooledSe;
        double p = 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
        boolean approximate = Math.min(Math.min(challengerSuccesses, challengerTotal - challengerSuccesses),
                Math.min(championSuccesses, championTotal - championSuccesses)) < 10;
        return new TwoProportions(p1, p2, diff, diff - Z_95 * unpooled, diff + Z_95 * unpooled, z, p, approximate);
    }
}
