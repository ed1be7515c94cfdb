package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.requestFriend;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Concurrent changes of one pair of users queue: never two pending requests, never a lost accept. */
@QuarkusTest
class FriendRequestConcurrencyTest {

    private static final int PARALLEL = 8;

    @Test
    void simultaneousIdenticalRequestsLeaveExactlyOnePending() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.Session a = Api.registerUser();
            Api.Session b = Api.registerUser();
            List<Integer> statuses = together(PARALLEL, i -> requestFriend(a, b.id(), "try " + i));
            Map<Integer, Long> counts = statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
            assertEquals(Map.of(200, 1L, 409, (long) PARALLEL - 1), counts, "statuses " + statuses);
            bearer(b.accessToken()).get("/api/v1/friends/requests").then().statusCode(200).body("data", hasSize(1));
            bearer(a.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then()
                    .body("data", hasSize(1));
        }
    }

    @Test
    void simultaneousCrossingRequestsMakeFriendsWithNothingLeftPending() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.Session a = Api.registerUser();
            Api.Session b = Api.registerUser();
            List<Integer> statuses = together(2, i -> i == 0 ? requestFriend(a, b.id(), null) : requestFriend(b, a.id(), null));
            assertEquals(List.of(200, 200), statuses);
            for (Api.Session s : List.of(a, b)) {
                bearer(s.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(1));
                bearer(s.accessToken()).get("/api/v1/friends/requests").then().body("data", hasSize(0));
                bearer(s.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then()
                        .body("data", hasSize(0));
            }
        }
    }

    @Test
    void acceptRacingABlockNeverLeavesFriendsWhoBlockedEachOther() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.Session a = Api.registerUser();
            Api.Session b = Api.registerUser();
            long id = requestFriend(a, b.id(), null).jsonPath().getLong("data.id");
            together(2, i -> i == 0
                    ? bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept")
                    : bearer(a.accessToken()).post("/api/v1/users/" + b.id() + "/block"));
            // whichever came first, the block wins in the end
            bearer(a.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
            bearer(b.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        }
    }

    /** Runs n calls released at the same instant; answers their HTTP statuses in call order. */
    private static List<Integer> together(int n, java.util.function.IntFunction<Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Integer> task = () -> {
                    start.await();
                    return call.apply(index).statusCode();
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : futures) {
                statuses.add(f.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
