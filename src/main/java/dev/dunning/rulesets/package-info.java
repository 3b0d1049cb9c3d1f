/** Rule-set versions: stored in MariaDB, taken through the gates, activated, rolled back, compared and simulated. */
package dev.dunning.rulesets;
