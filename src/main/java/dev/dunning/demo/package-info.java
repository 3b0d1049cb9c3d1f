/** Demo customers for a first start, and a generator of realistic customers in bulk for benchmarks. */
package dev.dunning.demo;
