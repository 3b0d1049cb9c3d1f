/** Dunning runs over HTTP: starting one, its progress and its report. */
package dev.dunning.runs.web;
