/**
 * Champion/challenger tests of rule sets: a credit controller proposes a candidate version against the active one for
 * a share of customers, another approves it, the customers' arms are fixed by a hash, and the test is stopped, rolled
 * back or its challenger promoted, each a recorded change (docs/effectiveness.md, "Champion/challenger").
 */
package dev.dunning.challenger;
