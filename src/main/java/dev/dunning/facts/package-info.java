/**
 * The facts billing systems keep in this service (customers, invoices, payments, payment failures, contacts, holds)
 * and the decisions made on them, stored in MariaDB; loads one customer's facts for a decision.
 */
package dev.dunning.facts;
