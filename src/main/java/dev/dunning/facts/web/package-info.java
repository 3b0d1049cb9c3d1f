/** Facts over HTTP: customers, invoices, payments, holds and contacts, as billing systems write them. */
package dev.dunning.facts.web;
