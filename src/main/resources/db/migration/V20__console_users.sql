-- People who sign in to the console (docs/console.md). The password is stored only as a hash of Spring Security's
-- delegating encoder ({bcrypt}...), which names its algorithm so that a stronger one can take over later. Failed
-- sign-ins are counted here, not in one instance's memory, so that a lockout holds on every instance behind the load
-- balancer. A disabled person keeps the row: audit records and rule-set events keep naming them.
CREATE TABLE console_users (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name            VARCHAR(100) NOT NULL,
    password_hash   VARCHAR(500) NOT NULL,
    roles           VARCHAR(200) NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    created_by      VARCHAR(200) NOT NULL,
    password_set_at DATETIME(6)  NOT NULL,
    last_login_at   DATETIME(6)  NULL,
    failed_logins   INT          NOT NULL DEFAULT 0,
    locked_until    DATETIME(6)  NULL,
    disabled_at     DATETIME(6)  NULL,
    disabled_by     VARCHAR(200) NULL,
    CONSTRAINT uq_console_users_name UNIQUE (name)
) ENGINE = InnoDB;
