// The logged-in user's view of /config (role, limits, users for admins).
import { createContext, useContext } from "react";
import type { Config } from "./api/types";

export interface Session {
  config: Config;
  isAdmin: boolean;
  reload: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("no session");
  return session;
}
