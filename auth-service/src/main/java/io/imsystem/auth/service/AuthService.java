package io.imsystem.auth.service;

import io.imsystem.auth.model.User;
import io.imsystem.auth.rest.dto.AuthView;
import io.imsystem.auth.rest.dto.LoginRequest;
import io.imsystem.auth.rest.dto.RefreshRequest;
import io.imsystem.auth.rest.dto.RegisterRequest;
import io.imsystem.auth.rest.dto.TokenPairView;
import io.imsystem.auth.rest.dto.UserView;
import io.imsystem.auth.stream.AuthEventsPublisher;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The account use cases: register, login, refresh, logout. */
@ApplicationScoped
public class AuthService {

    private static final Logger LOG = Logger.getLogger(AuthService.class);

    private final UserService users;
    private final SessionService sessions;
    private final PasswordService passwords;
    private final LoginThrottle throttle;
    private final AuthEventsPublisher events;
    private final TokenDenylist denylist;

    public AuthService(UserService users, SessionService sessions, PasswordService passwords,
            LoginThrottle throttle, AuthEventsPublisher events, TokenDenylist denylist) {
        this.users = users;
        this.sessions = sessions;
        this.passwords = passwords;
        this.throttle = throttle;
        this.events = events;
        this.denylist = denylist;
    }

    public AuthView register(RegisterRequest request) {
        String username = request.username();
        String email = request.email() == null || request.email().isBlank() ? null : request.email().strip();
        String nickname = request.nickname() == null || request.nickname().isBlank() ? username : request.nickname().strip();
        // Cheap check first, so that a taken name does not cost a bcrypt round.
        users.requireAvailable(username, email);
        User user = users.create(username, email, nickname, passwords.hash(request.password()));
        LOG.infof("user registered id=%d", user.id);
        return signIn(UserView.of(user));
    }

    public AuthView login(LoginRequest request, String clientAddress) {
        String name = request.usernameOrEmail() == null ? "" : request.usernameOrEmail().strip();
        if (name.isEmpty()) {
            throw ApiException.invalidField("username_or_email", "is required");
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw ApiException.invalidField("password", "is required");
        }
        Optional<User> user = users.findForLogin(name);
        // Unknown names are throttled too (by a hash of the name), so probing them costs the same.
        // Known accounts by their canonical name, so that username and email logins share one count.
        String account = user.map(u -> "user:" + u.usernameLower)
                .orElseGet(() -> "name:" + Hashes.sha256Hex(name.toLowerCase(Locale.ROOT)));
        // Reserved before bcrypt, atomically: parallel guesses cannot get more than the limit.
        LoginThrottle.Attempt attempt = throttle.reserve(account, clientAddress);
        if (!passwords.matches(request.password(), user.map(u -> u.passwordHash).orElse(null))) {
            LOG.infof("login failed known_account=%s", user.isPresent());
            throw ApiException.unauthorized(ErrorCodes.INVALID_CREDENTIALS, "invalid username/email or password");
        }
        throttle.succeeded(attempt);
        UserView view = users.markSeen(user.get().id, User.ONLINE);
        LOG.infof("user logged in id=%d", view.id());
        return signIn(view);
    }

    public TokenPairView refresh(RefreshRequest request) {
        if (request.refreshToken() == null || request.refreshToken().isBlank()) {
            throw ApiException.invalidField("refresh_token", "is required");
        }
        SessionService.Session session = sessions.rotate(request.refreshToken().strip());
        return new TokenPairView(session.access().token(), session.refreshToken(), session.access().expiresIn());
    }

    /**
     * Ends the session of this access token: the token is denied everywhere for the rest of its
     * life, its refresh family is revoked, and the gateways close every socket of the session (opened with
     * any access token of the family).
     */
    public void logout(long userId, String jti, long expiresAtEpochSecond, String sessionId) {
        denylist.deny(jti, Instant.ofEpochSecond(expiresAtEpochSecond));
        if (sessionId != null && !sessionId.isBlank()) {
            sessions.revoke(userId, sessionId);
        }
        users.markSeen(userId, User.OFFLINE);
        int gateways = events.closeSession(userId, sessionId, jti, "logout");
        events.loggedOut(userId);
        LOG.infof("user logged out id=%d gateways_told=%d", userId, gateways);
    }

    private AuthView signIn(UserView user) {
        SessionService.Session session = sessions.start(user.id(), user.username());
        events.loggedIn(user.id());
        return new AuthView(user, session.access().token(), session.refreshToken(), session.access().expiresIn());
    }
}
