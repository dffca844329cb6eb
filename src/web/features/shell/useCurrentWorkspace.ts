import { useOutletContext } from 'react-router';
import type { MembershipDtoT } from '../../../contracts/auth';

/** The workspace of the current /w/:workspaceId page, as the signed-in person's membership. */
export function useCurrentWorkspace(): MembershipDtoT {
  return useOutletContext<MembershipDtoT>();
}
