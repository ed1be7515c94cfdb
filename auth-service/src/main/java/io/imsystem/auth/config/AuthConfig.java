package io.imsystem.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** Settings of accounts, passwords, tokens and login throttling (environment variables in application.properties). */
@ConfigMapping(prefix = "im.auth")
public interface AuthConfig {

    /** Lifetime of an access token ({@code JWT_EXPIRE_TIME}, Go style: 24h). */
    @WithDefault("24h")
    @WithConverter(GoDurationConverter.class)
    Duration accessTokenLifetime();

    /** Lifetime of a refresh token ({@code JWT_REFRESH_EXPIRE_TIME}). */
    @WithDefault("720h")
    @WithConverter(GoDurationConverter.class)
    Duration refreshTokenLifetime();

    /** bcrypt work factor; 10 is the floor, each step doubles the time of a login. */
    @WithDefault("10")
    @Min(10)
    @Max(16)
    int bcryptCost();

    /** Throttling of failed logins. */
    Login login();

    /** Throttling of failed logins, counted in Redis over a fixed window. */
    interface Login {
        /** Failures allowed per account (or per unknown login name) from one client address in one window. */
        @WithDefault("5")
        @Min(1)
        int maxFailuresPerAccount();

        /** Failures allowed per client address in one window. */
        @WithDefault("30")
        @Min(1)
        int maxFailuresPerAddress();

        /** Length of the window; the counters expire with it. */
        @WithDefault("15m")
        @WithConverter(GoDurationConverter.class)
        Duration window();

        /** Failures of one account from all addresses (except those it logged in from) before every attempt waits. */
        @WithDefault("20")
        @Min(1)
        int backoffAfter();

        /** The first wait between attempts once backing off; it doubles with each further failure. */
        @WithDefault("30s")
        @WithConverter(GoDurationConverter.class)
        Duration backoff();

        /** The longest wait between attempts while backing off. */
        @WithDefault("15m")
        @WithConverter(GoDurationConverter.class)
        Duration backoffMax();
    }
}
