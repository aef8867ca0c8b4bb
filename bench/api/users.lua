-- wrk script: requests spread round-robin over many users, each with its own token and chat session,
-- as real traffic is. $BENCH_USERS holds "token session;token session;..."; $BENCH_MODE picks the request:
--   me        GET  /api/me
--   sessions  GET  /api/chat/sessions?limit=20
--   messages  GET  /api/chat/sessions/{id}/messages?limit=50
--   turn      POST /api/chat/sessions/{id}/messages (a whole chat turn)
local users = {}
for pair in string.gmatch(os.getenv("BENCH_USERS"), "[^;]+") do
    local token, session = pair:match("(%S+) (%S+)")
    table.insert(users, { token = token, session = session })
end
local mode = os.getenv("BENCH_MODE") or "me"
local next_user = math.random(#users)

request = function()
    next_user = next_user % #users + 1
    local user = users[next_user]
    local headers = { ["Authorization"] = "Bearer " .. user.token, ["Content-Type"] = "application/json" }
    if mode == "turn" then
        return wrk.format("POST", "/api/chat/sessions/" .. user.session .. "/messages", headers, '{"content":"benchmark turn"}')
    elseif mode == "messages" then
        return wrk.format("GET", "/api/chat/sessions/" .. user.session .. "/messages?limit=50", headers)
    elseif mode == "sessions" then
        return wrk.format("GET", "/api/chat/sessions?limit=20", headers)
    end
    return wrk.format("GET", "/api/me", headers)
end
