-- wrk script: the dashboard's read mix (bench/api/read_mix.lua, path in READ_MIX) paced —
-- each connection waits DELAY_MS after each answer — so the soak's API load is modest and
-- steady instead of as fast as wrk can go on the cores the deckies need too.
dofile(os.getenv("READ_MIX"))
local pause = tonumber(os.getenv("DELAY_MS") or "100")

function delay() return pause end
