import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ChangePasswordBody,
  InstanceSettingsDto,
  InvitePreviewDto,
  LoginBody,
  MeDto,
  SignupBody,
  SignupStatusDto,
  UpdateInstanceSettingsBody,
  UpdateMeBody,
} from '../../../contracts/auth.js';
import { ErrorResponse } from '../../../contracts/common.js';
import { requestMeta, requireCaller, type CookieWriter } from '../../http/session.js';
import type { InstanceService } from '../instance/service.js';
import type { AuthService } from './service.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

export function authRoutes(deps: { auth: AuthService; instance: InstanceService; cookies: CookieWriter }): FastifyPluginAsyncTypebox {
  const { auth, instance, cookies } = deps;
  return async (app) => {
    app.get(
      '/auth/signup-status',
      {
        schema: {
          tags: ['auth'],
          summary: 'Whether this is the first run and whether open sign-up is on',
          response: { 200: SignupStatusDto },
        },
      },
      () => auth.signupStatus(),
    );

    app.post(
      '/auth/signup',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an account (first run, invite, or open sign-up)',
          body: SignupBody,
          response: { 201: MeDto, ...errors },
        },
      },
      async (request, reply) => {
        const grant = await auth.signup(request.body, requestMeta(request));
        cookies.set(reply, grant.token, grant.maxAgeSeconds);
        cookies.syncAnalytics(reply, request, grant.me.user.analyticsConsent);
        return reply.status(201).send(grant.me);
      },
    );

    app.post(
      '/auth/login',
      { schema: { tags: ['auth'], summary: 'Sign in with email and password', body: LoginBody, response: { 200: MeDto, ...errors } } },
      async (request, reply) => {
        const grant = await auth.login(request.body, requestMeta(request));
        cookies.set(reply, grant.token, grant.maxAgeSeconds);
        cookies.syncAnalytics(reply, request, grant.me.user.analyticsConsent);
        return grant.me;
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags: ['auth'], summary: 'End this session', response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await auth.logout(requireCaller(request));
        cookies.clear(reply);
        cookies.syncAnalytics(reply, request, false);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/logout-all',
      {
        schema: {
          tags: ['auth'],
          summary: 'End every session of the caller (sign out everywhere)',
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.logoutEverywhere(requireCaller(request));
        cookies.clear(reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/invites/:token',
      {
        schema: {
          tags: ['auth'],
          summary: 'What an invite link is for (public)',
          params: TokenParams,
          response: { 200: InvitePreviewDto, ...errors },
        },
      },
      (request) => auth.invitePreview(request.params.token),
    );

    app.post(
      '/auth/invites/:token/accept',
      {
        schema: {
          tags: ['auth'],
          summary: 'Join a workspace with an invite while signed in',
          params: TokenParams,
          response: { 200: MeDto, ...errors },
        },
      },
      (request) => auth.acceptInvite(requireCaller(request), request.params.token),
    );

    app.get(
      '/me',
      { schema: { tags: ['me'], summary: 'The caller, their workspaces and roles', response: { 200: MeDto, ...errors } } },
      async (request, reply) => {
        const me = await auth.me(requireCaller(request).userId);
        // The analytics cookie follows the consent on every device (withdrawn elsewhere → deleted here too).
        cookies.syncAnalytics(reply, request, me.user.analyticsConsent);
        return me;
      },
    );

    app.patch(
      '/me',
      {
        schema: {
          tags: ['me'],
          summary: 'Change name, email or analytics consent',
          body: UpdateMeBody,
          response: { 200: MeDto, ...errors },
        },
      },
      async (request, reply) => {
        const me = await auth.updateProfile(requireCaller(request), request.body);
        cookies.syncAnalytics(reply, request, me.user.analyticsConsent);
        return me;
      },
    );

    app.post(
      '/me/password',
      {
        schema: {
          tags: ['me'],
          summary: 'Change password (ends other sessions)',
          body: ChangePasswordBody,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.changePassword(requireCaller(request), request.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/instance/settings',
      {
        schema: {
          tags: ['instance'],
          summary: 'Install-wide settings (instance admins)',
          response: { 200: InstanceSettingsDto, ...errors },
        },
      },
      (request) => instance.get(requireCaller(request)),
    );

    app.patch(
      '/instance/settings',
      {
        schema: {
          tags: ['instance'],
          summary: 'Change install-wide settings (instance admins)',
          body: UpdateInstanceSettingsBody,
          response: { 200: InstanceSettingsDto, ...errors },
        },
      },
      (request) => instance.update(requireCaller(request), request.body),
    );
  };
}
