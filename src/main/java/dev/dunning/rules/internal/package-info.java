/** Reading and checking decision tables before Drools sees them; not used outside the rules feature. */
package dev.dunning.rules.internal;
