package io.imsystem.auth.service;

import io.imsystem.auth.model.User;
import io.imsystem.auth.rest.dto.PublicUserView;
import io.imsystem.auth.rest.dto.UpdateProfileRequest;
import io.imsystem.auth.rest.dto.UserSummary;
import io.imsystem.auth.rest.dto.UserView;
import io.imsystem.auth.rest.dto.UsersPage;
import io.imsystem.common.api.ApiException;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;
import io.imsystem.common.api.ErrorCodes;

/** Profiles and lookups of users. */
@ApplicationScoped
public class UserService {

    public static final int MAX_PAGE_SIZE = 100;
    public static final int MAX_LOOKUP_IDS = 200;
    private static final int MAX_KEYWORD = 64;

    /** Fails with 409 when the username (any case) or the email is already in use. */
    @Transactional
    public void requireAvailable(String username, String email) {
        if (User.findByUsername(username).isPresent()) {
            throw usernameTaken();
        }
        if (email != null && User.findByEmail(email).isPresent()) {
            throw emailTaken();
        }
    }

    /** Stores a new account; a concurrent registration of the same name still gets 409 from the unique keys. */
    @Transactional
    public User create(String username, String email, String nickname, String passwordHash) {
        Instant now = Instant.now();
        User user = new User();
        user.username = username;
        user.usernameLower = username.toLowerCase(Locale.ROOT);
        user.email = email;
        user.nickname = nickname;
        user.passwordHash = passwordHash;
        user.status = User.ONLINE;
        user.lastSeen = now;
        user.createdAt = now;
        user.updatedAt = now;
        try {
            user.persistAndFlush();
        } catch (PersistenceException e) {
            String constraint = constraintName(e);
            if (constraint.contains("username")) {
                throw usernameTaken();
            }
            if (constraint.contains("email")) {
                throw emailTaken();
            }
            throw e;
        }
        return user;
    }

    /** The account a login name designates: an email when it has an '@' (usernames cannot). */
    @Transactional
    public Optional<User> findForLogin(String usernameOrEmail) {
        return usernameOrEmail.indexOf('@') >= 0 ? User.findByEmail(usernameOrEmail) : User.findByUsername(usernameOrEmail);
    }

    /** Records a login or logout in the account's status and last_seen. */
    @Transactional
    public UserView markSeen(long userId, String status) {
        User user = require(userId);
        user.status = status;
        user.lastSeen = Instant.now();
        return UserView.of(user);
    }

    @Transactional
    public UserView profile(long userId) {
        return UserView.of(require(userId));
    }

    @Transactional
    public UserView updateProfile(long userId, UpdateProfileRequest request) {
        User user = require(userId);
        if (request.nickname() != null) {
            user.nickname = request.nickname().strip();
        }
        if (request.avatar() != null) {
            user.avatar = request.avatar().strip();
        }
        user.updatedAt = Instant.now();
        return UserView.of(user);
    }

    @Transactional
    public PublicUserView publicProfile(long userId) {
        return User.<User>findByIdOptional(userId).map(PublicUserView::of)
                .orElseThrow(() -> ApiException.notFound("user"));
    }

    /** Users whose username or nickname contains the keyword (all users without one), by id. */
    @Transactional
    public UsersPage list(String keyword, int page, int pageSize) {
        if (page < 1) {
            throw ApiException.invalidField("page", "must be at least 1");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ApiException.invalidField("page_size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        String k = keyword == null ? "" : keyword.strip();
        if (k.length() > MAX_KEYWORD) {
            throw ApiException.invalidField("keyword", "must be at most " + MAX_KEYWORD + " characters");
        }
        var query = k.isEmpty()
                ? User.<User>findAll(Sort.by("id"))
                : User.<User>find("username like :p escape '!' or nickname like :p escape '!'", Sort.by("id"),
                        Parameters.with("p", "%" + escapeLike(k) + "%"));
        List<PublicUserView> users = query.page(Page.of(page - 1, pageSize)).list().stream()
                .map(PublicUserView::of).toList();
        return new UsersPage(users, query.count());
    }

    /** The users among these ids that exist, for other services. */
    @Transactional
    public List<UserSummary> lookup(List<Long> ids) {
        if (ids.size() > MAX_LOOKUP_IDS) {
            throw ApiException.invalidField("ids", "at most " + MAX_LOOKUP_IDS + " ids");
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        return User.<User>list("id in ?1", Sort.by("id"), ids).stream().map(UserSummary::of).toList();
    }

    private static User require(long userId) {
        return User.<User>findByIdOptional(userId).orElseThrow(() -> ApiException.notFound("user"));
    }

    private static String constraintName(PersistenceException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && c.getConstraintName() != null) {
                return c.getConstraintName().toLowerCase(Locale.ROOT);
            }
        }
        return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    }

    private static ApiException usernameTaken() {
        return ApiException.conflict(ErrorCodes.USERNAME_TAKEN, "username is already taken");
    }

    private static ApiException emailTaken() {
        return ApiException.conflict(ErrorCodes.EMAIL_TAKEN, "email is already registered");
    }

    private static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
