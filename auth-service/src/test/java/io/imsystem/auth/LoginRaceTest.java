package io.imsystem.auth;

import static io.imsystem.auth.Api.login;
import static io.imsystem.auth.Api.newAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Failed logins raced in parallel: each attempt is reserved before the password is checked, so 50
 * guesses at once get exactly as many password checks as the limits allow, and a stranger's guesses
 * never lock the owner out of their usual client.
 */
@QuarkusTest
class LoginRaceTest {

    /** Sends 50 logins at once (one thread each, released together); answers the statuses. */
    private static List<Integer> race(IntFunction<Integer> attempt) throws Exception {
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return attempt.apply(k);
                }, pool));
            }
            start.countDown();
            return answers.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(List<Integer> statuses, int status) {
        return statuses.stream().filter(s -> s == status).count();
    }

    @Test
    void fiftyParallelWrongPasswordsFromOneAddressGetFiveGuesses() throws Exception {
        Api.Session owner = Api.registerUser();
        String home = newAddress();
        login(owner.username(), Api.PASSWORD, home).then().statusCode(200);
        String stranger = newAddress();
        List<Integer> statuses = race(i -> login(owner.username(), "wrong password " + i, stranger).statusCode());
        assertEquals(5, count(statuses, 401), "password checks: " + statuses);
        assertEquals(45, count(statuses, 429), "refused before the check: " + statuses);
        // The owner's correct login from its own address still works; the stranger's address stays locked.
        login(owner.username(), Api.PASSWORD, home).then().statusCode(200);
        login(owner.username(), Api.PASSWORD, stranger).then().statusCode(429);
    }

    @Test
    void fiftyParallelWrongPasswordsFromManyAddressesAreSlowedForTheAccountButNotForItsOwner() throws Exception {
        Api.Session owner = Api.registerUser();
        String home = newAddress();
        login(owner.username(), Api.PASSWORD, home).then().statusCode(200);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            addresses.add(newAddress());
        }
        List<Integer> statuses = race(i -> login(owner.username(), "wrong password " + i, addresses.get(i)).statusCode());
        // 20 failures from anywhere, then one attempt per backoff (30 s, doubling): the 21st goes at once, the rest wait.
        long guesses = count(statuses, 401);
        assertEquals(21, guesses, "password checks: " + statuses);
        assertEquals(50 - guesses, count(statuses, 429));
        // A new address now has to wait too ...
        var waited = login(owner.username(), Api.PASSWORD, newAddress());
        waited.then().statusCode(429);
        assertTrue(Long.parseLong(waited.header("Retry-After")) > 0);
        // ... but the owner's usual client, which logged in before, gets in at once.
        login(owner.username(), Api.PASSWORD, home).then().statusCode(200);
    }
}
