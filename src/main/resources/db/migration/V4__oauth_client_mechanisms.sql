-- ---------------------------------------------------------------------------------------------
-- How Agent Hub identifies itself to an MCP server's authorization server, in the order the MCP
-- authorization spec asks for: a client an administrator registered for that server, Agent Hub's
-- client metadata document (its client id is the document's URL), or a client registered
-- dynamically. A connection keeps the client that obtained its tokens: refreshes and revocation
-- must use the same one, whatever a later authorization chooses. Plain SQL that can run twice.
-- ---------------------------------------------------------------------------------------------

-- the configuration's client id: set by an administrator, or registered dynamically by Agent Hub
-- (NULL on rows from before: a registration endpoint then says it was registered)
ALTER TABLE mcp_configurations ADD COLUMN IF NOT EXISTS oauth_client_source text
    CHECK (oauth_client_source IN ('pre_registered', 'dynamic_registration'));

ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS client_id text CHECK (char_length(client_id) BETWEEN 1 AND 2048);
ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS client_mechanism text
    CHECK (client_mechanism IN ('pre_registered', 'client_metadata_document', 'dynamic_registration'));

ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS client_id text CHECK (char_length(client_id) BETWEEN 1 AND 2048);
ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS client_mechanism text
    CHECK (client_mechanism IN ('pre_registered', 'client_metadata_document', 'dynamic_registration'));
