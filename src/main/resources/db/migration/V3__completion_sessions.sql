-- ---------------------------------------------------------------------------------------------
-- A completion through the OpenAI-compatible API may name a chat session to be stored in it, tool
-- calls included, and may be sent again with an Idempotency-Key to get its first answer. Plain
-- SQL that can run twice, like the migrations before it.
-- ---------------------------------------------------------------------------------------------

-- the calls an assistant message made ([{id, name, arguments}]), and the call a tool message answers
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS tool_calls jsonb CHECK (jsonb_typeof(tool_calls) = 'array');
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS tool_call_id text CHECK (char_length(tool_call_id) BETWEEN 1 AND 200);

-- the key a client sent, a digest of the request it came with, and the answer to replay
ALTER TABLE agent_executions ADD COLUMN IF NOT EXISTS idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 255);
ALTER TABLE agent_executions ADD COLUMN IF NOT EXISTS request_digest text CHECK (char_length(request_digest) <= 128);
ALTER TABLE agent_executions ADD COLUMN IF NOT EXISTS response jsonb;

CREATE UNIQUE INDEX IF NOT EXISTS uq_agent_executions_idempotency ON agent_executions (user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
