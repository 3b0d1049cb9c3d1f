package dev.dunning.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The code lists behind the constraints: exactly the JVM's own lists, whatever form the value comes in. */
class CodesTest {

    @Test
    void timeZonesAreExactlyTheJvmsRegionIds() {
        assertThat(ZoneId.getAvailableZoneIds()).allMatch(Codes::isTimeZone);
        assertThat(Codes.isTimeZone("Europe/Berlin")).isTrue();
        assertThat(Codes.isTimeZone("UTC")).isTrue();
        // An offset has no summer time; a region id is case-sensitive; nothing else passes.
        assertThat(Codes.isTimeZone("+02:00")).isFalse();
        assertThat(Codes.isTimeZone("europe/berlin")).isFalse();
        assertThat(Codes.isTimeZone("Europe/Berlin ")).isFalse();
        assertThat(Codes.isTimeZone("Mars/Olympus_Mons")).isFalse();
        assertThat(Codes.isTimeZone("")).isFalse();
        assertThat(Codes.isTimeZone(null)).isFalse();
    }

    @Test
    void currenciesAreIso4217CodesInUpperCase() {
        assertThat(Codes.isCurrency("EUR")).isTrue();
        assertThat(Codes.isCurrency("JPY")).isTrue();
        assertThat(Codes.isCurrency("eur")).isFalse();
        assertThat(Codes.isCurrency("EURO")).isFalse();
        assertThat(Codes.isCurrency("XYZ")).isFalse();
        assertThat(Codes.isCurrency("ＥＵＲ")).isFalse();   // full-width letters are not A-Z
        assertThat(Codes.isCurrency(null)).isFalse();
    }
}
