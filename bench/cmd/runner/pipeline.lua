-- Each write carries `depth` copies of the request (default 16, or the first
-- script argument); wrk counts every response, so requests/s is per request.
local depth = 16

function init(args)
   if args[1] ~= nil then
      depth = tonumber(args[1])
   end
   batch = string.rep(wrk.format(), depth)
end

function request()
   return batch
end
