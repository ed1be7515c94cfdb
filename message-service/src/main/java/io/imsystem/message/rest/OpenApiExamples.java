package io.imsystem.message.rest;

import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.ReactionsView;
import io.imsystem.message.rest.dto.ReceiptsView;
import io.imsystem.message.rest.dto.SettingsView;
import io.imsystem.message.rest.dto.SyncResult;

/**
 * Example bodies of the OpenAPI document (the envelope of API.md around each answer), and the schemas
 * of those answers: a route that names its examples must name its schema too, or the document loses it.
 */
final class OpenApiExamples {

    private OpenApiExamples() {
    }

    record MessageAnswer(int code, String message, MessageView data) {
    }

    record SyncAnswer(int code, String message, SyncResult data) {
    }

    record ReactionsAnswer(int code, String message, ReactionsView data) {
    }

    record ReceiptsAnswer(int code, String message, ReceiptsView data) {
    }

    record SettingsAnswer(int code, String message, SettingsView data) {
    }

    record NullAnswer(int code, String message, Object data) {
    }

    static final String NULL = "{\"code\": 0, \"message\": \"ok\", \"data\": null}";

    static final String EDITED = """
            {"code": 0, "message": "ok", "data": {"id": 789, "seq": 41, "sender_id": 123, "receiver_id": 456,
             "content": "see you at 8, not 7", "msg_type": "text", "status": "delivered", "is_read": false, "session_type": 1,
             "client_msg_id": "c-1", "created_at": "2026-11-24T21:58:59Z", "updated_at": "2026-11-24T22:01:12Z",
             "edited_at": "2026-11-24T22:01:12Z", "recalled": false,
             "reply_to": {"id": 788, "sender_id": 456, "excerpt": "when do we meet?"},
             "reactions": [{"emoji": "👍", "count": 2, "me": true}], "mentions": [], "mention_all": false}}""";

    static final String SYNC = """
            {"code": 0, "message": "ok", "data": {
             "messages": [{"id": 790, "seq": 42, "sender_id": 456, "receiver_id": 123, "content": "ok",
               "msg_type": "text", "status": "sent", "is_read": false, "session_type": 1, "client_msg_id": null,
               "created_at": "2026-11-24T22:00:03Z", "updated_at": "2026-11-24T22:00:03Z", "edited_at": null, "recalled": false,
               "reply_to": null, "reactions": [], "mentions": [], "mention_all": false}],
             "changes": [{"seq": 43, "type": "edited", "msg_id": 789, "content": "see you at 8, not 7",
               "edited_at": "2026-11-24T22:01:12Z", "by": 123, "timestamp": 1795557672},
              {"seq": 44, "type": "recalled", "msg_id": 786, "by": 456, "timestamp": 1795557690}],
             "next_seq": 44, "has_more": false}}""";

    static final String REACTIONS = """
            {"code": 0, "message": "ok", "data": {"reactions": [{"emoji": "👍", "count": 2, "me": true},
             {"emoji": "🎉", "count": 1, "me": false}]}}""";

    static final String RECEIPTS = """
            {"code": 0, "message": "ok", "data": {"member_count": 5, "delivered_count": 3, "read_count": 2,
             "read_by": [{"user_id": 456, "read_at": "2026-11-24T22:00:10Z"}, {"user_id": 457, "read_at": "2026-11-24T22:03:41Z"}]}}""";

    static final String SETTINGS = "{\"code\": 0, \"message\": \"ok\", \"data\": {\"pinned\": true, \"muted\": false, \"archived\": false}}";
}
